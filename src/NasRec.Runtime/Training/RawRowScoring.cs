using System.Globalization;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>
/// Scores raw rows (new data, a competition's unlabelled test file) with a trained model. The rows are read and encoded
/// exactly as the store the model trained on read and encoded its own: the same dataset layout, and the same encodings
/// fitted on its training split, not refitted. They go through a temporary store, which is removed afterwards. Progress
/// reports the preparation's phases (in bytes), then "scoring" (in rows).
/// </summary>
public static class RawRowScoring
{
    /// <param name="trained">The store the model was trained on.</param>
    /// <param name="input">A raw file, or a folder of them read in name order, in <paramref name="trained"/>'s dataset layout.</param>
    /// <param name="workFolder">Where the temporary store goes (beside the output: the same disk).</param>
    public static ScoredRows Score(nn.Module<Tensor, Tensor, Tensor> model, IReadOnlyList<long> tableSizes, DataStore trained, string input,
        string workFolder, RawRowOptions options, Device device, IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default)
    {
        var folder = Path.Combine(workFolder, ".nasrec-rows-" + Path.GetRandomFileName());
        try
        {
            var manifest = DataPreparer.PrepareToScore(trained, input, folder, options.Labelled, options.SkipBadRows, progress, cancel);
            using var rows = DataStore.Open(folder);
            var batches = Reporting(StoreTrainingData.Evaluation(rows, DataSplit.Test, tableSizes), rows.Rows(DataSplit.Test), progress, cancel);
            var scores = Evaluator.Score(model, batches, device);
            var sourceRows = File.ReadLines(Path.Combine(folder, StoreFiles.Indices, StoreFiles.Stem(DataSplit.Test) + ".txt"))
                .Select(line => long.Parse(line, CultureInfo.InvariantCulture)).ToArray();
            return new ScoredRows(scores, sourceRows, options.Labelled, manifest.BadRows);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The batches, reporting the rows scored after each (the "scoring" phase, in rows of the total), until cancelled.</summary>
    private static IEnumerable<Batch> Reporting(IEnumerable<Batch> batches, long total, IProgress<PrepareProgress>? progress, CancellationToken cancel)
    {
        long done = 0;
        foreach (var batch in batches)
        {
            cancel.ThrowIfCancellationRequested();
            yield return batch;
            done += batch.Size;
            progress?.Report(new PrepareProgress("scoring", done, total, done));
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
