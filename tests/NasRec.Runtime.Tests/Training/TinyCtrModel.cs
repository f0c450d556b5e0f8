using NasRec.Runtime.Data;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Training;

/// <summary>A small CTR model over a fused embedding (dense features and tokens into two linears), fast enough for hundreds of steps.</summary>
internal sealed class TinyCtrModel : nn.Module<Tensor, Tensor, Tensor>
{
    public static readonly long[] Tables = { 7, 40, 300 };
    public const int DenseFeatures = 3;

    private readonly SparseEmbedding embedding;
    private readonly Linear hidden;
    private readonly Linear head;

    public TinyCtrModel(long seed) : base(nameof(TinyCtrModel))
    {
        manual_seed(seed);
        embedding = new SparseEmbedding(Tables, 4);
        hidden = nn.Linear(DenseFeatures + Tables.Length * 4, 8);
        head = nn.Linear(8, 1);
        RegisterComponents();
    }

    public SparseEmbedding Embedding => embedding;

    public override Tensor forward(Tensor dense, Tensor ids)
    {
        using var scope = NewDisposeScope();
        var features = cat(new[] { dense, embedding.call(ids).flatten(1) }, 1);
        return head.call(nn.functional.relu(hidden.call(features))).MoveToOuterDisposeScope();
    }

    /// <summary>A seeded batch whose ids repeat within a batch (small tables) and whose label depends on the features.</summary>
    public static Batch RandomBatch(Generator generator, int size)
    {
        var dense = randn(new long[] { size, DenseFeatures }, generator: generator);
        var ids = stack(Tables.Select(rows => randint(rows, new long[] { size }, generator: generator)).ToArray(), 1);
        using Scalar half = 0.5f.ToScalar(), zero = 0.ToScalar();
        var label = dense[.., 0].Plus(ids[.., 0].remainder(Scalars.Two).to(float32)).sub(half)
            .Plus(randn(new long[] { size }, generator: generator).mul(half)).gt(zero).to(float32).unsqueeze(1);
        return new Batch(dense, ids, label);
    }
}
