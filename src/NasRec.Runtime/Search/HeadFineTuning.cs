using System.Runtime.InteropServices;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Search;

/// <summary>
/// The search's post-training fine-tuning (spec §3.4, §6.3): everything before the head is frozen, a copy of the
/// trained head is trained on the first training batches (Adagrad, cosine schedule with the EA script's one-step lag,
/// global-norm clipping), then scored on the validation prefix. The frozen part runs without autograd on several
/// batches per call; only the head's small steps run per batch. Touches no shared state: the copy is the only
/// thing that changes, so any number of threads may fine-tune over one frozen model at once.
/// </summary>
public static class HeadFineTuning
{
    /// <param name="trainedHead">The head the copy starts from (read, never written).</param>
    /// <param name="features">The frozen part: (dense, sparse ids) to the head's input; called without gradients.</param>
    /// <param name="cancel">Checked before each frozen forward.</param>
    public static BinaryMetrics Run(
        Linear trainedHead, Func<Tensor, Tensor, Tensor> features, FineTuneData data, FineTuneSettings settings, Device device, CancellationToken cancel = default)
    {
        // As training and evaluation do: without it every frozen forward's joins and products come back as fresh pages.
        NativeHeap.RetainFreedMemory();
        using var head = new HeadCopy(trainedHead);
        using var optimizer = new RowSparseAdagrad(head);
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, settings.LearningRate, settings.Steps);
        var batches = data.Train.BatchSizes.Take(settings.Steps).ToArray();
        long step = 0, row = 0;
        foreach (var chunk in Chunks(batches, settings.ForwardRows))
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long rows = chunk.Sum();
            var inputs = Frozen(features, data.Train, row, rows, device);
            var labels = data.Train.Label.narrow(0, row, rows).to(device);
            long offset = 0;
            foreach (int size in chunk)
            {
                // As in every reference loop, a partial batch trains nothing but still advances the schedule.
                if (size == settings.BatchSize)
                    Train(head, optimizer, inputs.narrow(0, offset, size), labels.narrow(0, offset, size), LaggedRate(schedule, step), settings.ClipNorm);
                offset += size;
                step++;
            }
            row += rows;
        }
        return Score(head, features, data.Validation, settings.ForwardRows, device, cancel);
    }

    /// <summary>
    /// The EA script resets its scheduler after loading the checkpoint (<c>step(-1)</c>), so its rates lag the
    /// schedule by one step: the first two steps use the minimum and step t uses the schedule's t − 1 (spec §5.1).
    /// </summary>
    public static double LaggedRate(LearningRateSchedule schedule, long step) =>
        step == 0 ? LearningRateSchedule.MinRate : schedule.At(step - 1);

    private static void Train(HeadCopy head, RowSparseAdagrad optimizer, Tensor inputs, Tensor labels, double rate, double clipNorm)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.binary_cross_entropy_with_logits(head.call(inputs), labels);
        loss.backward();
        optimizer.Step(rate, clipNorm);
        optimizer.ZeroGradients();
    }

    private static BinaryMetrics Score(
        HeadCopy head, Func<Tensor, Tensor, Tensor> features, HeldRows validation, int forwardRows, Device device, CancellationToken cancel)
    {
        var logits = new float[validation.Rows];
        using (no_grad())
        {
            for (long row = 0; row < validation.Rows; row += forwardRows)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                long rows = Math.Min(forwardRows, validation.Rows - row);
                head.call(Frozen(features, validation, row, rows, device)).cpu().data<float>().CopyTo(logits.AsSpan((int)row, (int)rows));
            }
        }
        return BinaryMetrics.Compute(logits, MemoryMarshal.Cast<byte, float>(validation.Label.bytes));
    }

    private static Tensor Frozen(Func<Tensor, Tensor, Tensor> features, HeldRows rows, long start, long count, Device device)
    {
        using var noGrad = no_grad();
        return features(rows.Dense.narrow(0, start, count).to(device), rows.Sparse.narrow(0, start, count).to(device));
    }

    /// <summary>Consecutive batches grouped into runs of at most <paramref name="forwardRows"/> rows (a larger batch alone).</summary>
    private static IEnumerable<List<int>> Chunks(IEnumerable<int> batchSizes, int forwardRows)
    {
        var chunk = new List<int>();
        foreach (int size in batchSizes)
        {
            if (chunk.Count > 0 && chunk.Sum() + size > forwardRows)
            {
                yield return chunk;
                chunk = new List<int>();
            }
            chunk.Add(size);
        }
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>A trainable copy of a head, built from its weights (no initialisation, so no draw from the shared generator).</summary>
    private sealed class HeadCopy : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter? bias;

        public HeadCopy(Linear head) : base("head")
        {
            using (no_grad())
            {
                weight = new Parameter(head.weight!.detach().clone());
                bias = head.bias is null ? null : new Parameter(head.bias.detach().clone());
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);
    }
}
