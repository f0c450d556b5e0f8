using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Sources;
using NasRec.Runtime.Data.Store;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>
/// Scores raw rows (new data, a competition's unlabelled test file) with a trained model. The rows are read and encoded
/// exactly as the store the model trained on read and encoded its own: the same dataset layout, and the same encodings
/// fitted on its training split, not refitted. They stream from the file through the model a batch at a time: nothing
/// is written to disk, and memory holds a few chunks of the file and a few batches besides the scores. The rows are read
/// on a worker while the model runs on the calling thread. Progress reports one phase, "scoring", in bytes of the input
/// read.
/// </summary>
public static class RawRowScoring
{
    /// <param name="trained">The store the model was trained on.</param>
    /// <param name="input">A raw file, or a folder of them read in name order, in <paramref name="trained"/>'s dataset layout.</param>
    public static ScoredRows Score(nn.Module<Tensor, Tensor, Tensor> model, IReadOnlyList<long> tableSizes, DataStore trained, string input,
        RawRowOptions options, Device device, IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default)
    {
        var schema = trained.Schema;
        var plan = InputPlan.AllTo(input, DataSplit.Test);
        var source = RowSources.For(schema, options.Labelled, plan.Files[0].Path);
        foreach (var (path, _) in plan.Files) source.Probe(path);
        var encoder = TrainingEncoder.Load(trained);
        var bad = new BadRows(options.SkipBadRows);
        var sourceRows = new List<long>();
        using var batches = new BlockBatches(RecipeDefaults.EvaluationBatchSize, schema.DenseFeatures.Count, schema.SparseFeatures.Count, tableSizes);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var reading = Task.Run(() => Read(plan, source, encoder, bad, batches, sourceRows, progress, stop.Token));
        SplitScores scores;
        try
        {
            scores = Evaluator.Score(model, batches.Take(stop.Token), device);
        }
        finally
        {
            // The reading stops (at its next block) before the batches' tensors go; WaitAny waits without throwing its error.
            stop.Cancel();
            Task.WaitAny(reading);
        }
        // A bad row, a cancellation: the reading's exception, as thrown.
        reading.GetAwaiter().GetResult();
        cancel.ThrowIfCancellationRequested();
        if (sourceRows.Count == 0) throw new DataException("The input holds no good rows");
        return new ScoredRows(scores, sourceRows, options.Labelled, bad.ToSummary());
    }

    /// <summary>Reads every file of <paramref name="plan"/> into <paramref name="batches"/>, encoded, numbering the rows into <paramref name="sourceRows"/>.</summary>
    private static void Read(InputPlan plan, IRowSource source, TrainingEncoder encoder, BadRows bad, BlockBatches batches, List<long> sourceRows,
        IProgress<PrepareProgress>? progress, CancellationToken stop)
    {
        bool whole = false;
        try
        {
            long row = 0, done = 0, total = plan.TotalBytes;
            foreach (var (path, _) in plan.Files)
            {
                using var file = new InputFile(path);
                source.Read(file, row, RowSplits.All(DataSplit.Test), bad, (_, block) =>
                {
                    stop.ThrowIfCancellationRequested();
                    encoder.Apply(block);
                    sourceRows.AddRange(block.SourceRows);
                    batches.Add(block, stop);
                    progress?.Report(new PrepareProgress("scoring", done + file.Position, total, sourceRows.Count));
                });
                row += source.RowsRead;
                done += file.Size;
            }
            whole = true;
        }
        finally
        {
            batches.Complete(whole);
        }
    }
}

/// <param name="Labelled">Whether the rows hold the label column (then metrics can be computed as well).</param>
/// <param name="SkipBadRows">Skip bad rows, counting them, instead of stopping at the first.</param>
public sealed record RawRowOptions(bool Labelled = true, bool SkipBadRows = false);

/// <summary>The scores of raw rows, each with its number in the input (0-based, header lines not counted).</summary>
public sealed record ScoredRows(SplitScores Scores, IReadOnlyList<long> SourceRows, bool Labelled, BadRowSummary BadRows)
{
    /// <summary>Writes <c>row,label,probability</c> per row (<c>row,probability</c> for unlabelled rows), atomically.</summary>
    public void WriteCsv(string path) => Scores.WriteCsv(path, SourceRows, Labelled);
}
