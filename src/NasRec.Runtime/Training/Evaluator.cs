using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>Forwards a whole split without gradients and computes its metrics (spec §5.3).</summary>
public static class Evaluator
{
    public static BinaryMetrics Evaluate(nn.Module<Tensor, Tensor, Tensor> model, IEnumerable<Batch> batches, Device device) =>
        Score(model, batches, device).Metrics();

    /// <summary>The metrics of <paramref name="forward"/> (dense, sparse ids → logits), e.g. a supernet on a given path.</summary>
    public static BinaryMetrics Evaluate(Func<Tensor, Tensor, Tensor> forward, IEnumerable<Batch> batches, Device device) =>
        Score(forward, batches, device).Metrics();

    /// <summary>The model's logit for every row of the batches, in their order, beside the rows' labels.</summary>
    public static SplitScores Score(nn.Module<Tensor, Tensor, Tensor> model, IEnumerable<Batch> batches, Device device) =>
        InEvalMode(model, () => Score(model.call, batches, device));

    public static SplitScores Score(Func<Tensor, Tensor, Tensor> forward, IEnumerable<Batch> batches, Device device)
    {
        NativeHeap.RetainFreedMemory();
        var scores = new BatchScores(forward, device);
        foreach (var batch in batches) scores.Add(batch);
        return scores.Scores;
    }

    /// <summary>Runs <paramref name="work"/> with <paramref name="model"/> in eval mode, then back in training mode.</summary>
    internal static T InEvalMode<T>(nn.Module model, Func<T> work)
    {
        // Nothing in these models behaves differently in eval mode (no dropout, no batch norm); set for form's sake.
        model.eval();
        try
        {
            return work();
        }
        finally
        {
            model.train();
        }
    }
}

/// <summary>The logits of batches scored one at a time, as they come, beside their labels.</summary>
internal sealed class BatchScores(Func<Tensor, Tensor, Tensor> forward, Device device)
{
    private readonly List<float> logits = new();
    private readonly List<float> labels = new();

    public SplitScores Scores => new(logits, labels);

    public void Add(Batch batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = forward(batch.Dense.to(device), batch.Sparse.to(device)).cpu();
        logits.AddRange(output.data<float>());
        labels.AddRange(batch.Label.data<float>());
    }
}
