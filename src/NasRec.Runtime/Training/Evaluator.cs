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
    public static SplitScores Score(nn.Module<Tensor, Tensor, Tensor> model, IEnumerable<Batch> batches, Device device)
    {
        // Nothing in these models behaves differently in eval mode (no dropout, no batch norm); set for form's sake.
        model.eval();
        try
        {
            return Score(model.call, batches, device);
        }
        finally
        {
            model.train();
        }
    }

    public static SplitScores Score(Func<Tensor, Tensor, Tensor> forward, IEnumerable<Batch> batches, Device device)
    {
        NativeHeap.RetainFreedMemory();
        var logits = new List<float>();
        var labels = new List<float>();
        using var noGrad = no_grad();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var output = forward(batch.Dense.to(device), batch.Sparse.to(device)).cpu();
            logits.AddRange(output.data<float>());
            labels.AddRange(batch.Label.data<float>());
        }
        return new SplitScores(logits, labels);
    }
}
