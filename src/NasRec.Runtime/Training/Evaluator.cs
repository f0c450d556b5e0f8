using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>Forwards a whole split without gradients and computes its metrics (spec §5.3).</summary>
public static class Evaluator
{
    public static BinaryMetrics Evaluate(nn.Module<Tensor, Tensor, Tensor> model, IEnumerable<Batch> batches, Device device)
    {
        var logits = new List<float>();
        var labels = new List<float>();
        using var noGrad = no_grad();
        // Nothing in these models behaves differently in eval mode (no dropout, no batch norm); set for form's sake.
        model.eval();
        try
        {
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                var output = model.call(batch.Dense.to(device), batch.Sparse.to(device)).cpu();
                logits.AddRange(output.data<float>());
                labels.AddRange(batch.Label.data<float>());
            }
        }
        finally
        {
            model.train();
        }
        return BinaryMetrics.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(logits),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(labels));
    }
}
