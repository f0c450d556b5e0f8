using NasRec.Dsl.Model;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Baselines;

/// <summary>
/// Logistic regression over the same inputs as a subnet: <c>logit = w·dense + Σ_j v_j[id_j] + b</c>, one weight per
/// dense feature and one scalar weight per categorical id. The scalar weights are a one-dimensional
/// <see cref="SparseEmbedding"/>, so the training step updates them row-sparsely as it does a subnet's tables, and the
/// baseline trains with the same step, data path and checkpoints. Maps <c>[B, n_dense]</c> and <c>[B, n_sparse]</c> to
/// logits <c>[B, 1]</c>.
/// </summary>
public sealed class LogisticRegression : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SparseEmbedding embedding;
    private readonly Linear dense;

    /// <param name="tableCap">Caps every table as a subnet's (null: the full tables).</param>
    public LogisticRegression(DatasetSchema dataset, long? tableCap = null) : base(nameof(LogisticRegression))
    {
        embedding = new SparseEmbedding(SparseEmbedding.Capped(dataset.TableSizes(null), tableCap), embeddingDim: 1);
        dense = nn.Linear(dataset.DenseFeatures.Count, 1);
        register_module("embedding", embedding);
        register_module("dense", dense);
    }

    public override Tensor forward(Tensor denseFeatures, Tensor sparseIds)
    {
        using var scope = NewDisposeScope();
        // [B, n_sparse, 1] summed over the features: the categorical part of the logit.
        var categorical = embedding.call(sparseIds).sum(1);
        return dense.call(denseFeatures).Plus(categorical).MoveToOuterDisposeScope();
    }
}
