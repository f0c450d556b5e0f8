using System.Globalization;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;

namespace NasRec.Runtime.Training;

/// <summary>A run's batches from a prepared <see cref="DataStore"/>.</summary>
public static class StoreTrainingData
{
    /// <param name="reference">The reference recipe: trainval in round-robin shard order, no validation. Otherwise
    /// train (shuffled per epoch when <paramref name="shuffle"/>), val and test.</param>
    public static TrainingData Create(DataStore store, int batchSize, IReadOnlyList<long> tableSizes, bool reference, bool shuffle, int seed)
    {
        if (!reference)
        {
            // Checked before training, not at the first validation, where the run would end with its work unsaved.
            var val = store.Manifest.Of(DataSplit.Val);
            BinaryMetrics.RequireBothClasses(val.Rows, val.Positives,
                string.Create(CultureInfo.InvariantCulture, $"{store.Directory}: the {val.Rows:N0} rows of its val split, which validation evaluates,"));
        }
        var trainSplit = reference ? DataSplit.TrainVal : DataSplit.Train;
        // A partial batch trains nothing (the reference forwards it without a step), so a split below one batch would
        // make a run that reports steps and changes no weight.
        long trainRows = store.Rows(trainSplit);
        if (trainRows < batchSize)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"{store.Directory}: its {(reference ? "trainval" : "train")} split holds {trainRows:N0} rows, fewer than one batch of {batchSize:N0}: no step would train; use a smaller batch"));
        }
        var order = reference ? BatchOrder.RoundRobinShards : shuffle ? BatchOrder.Shuffled : BatchOrder.Sequential;
        var train = new BatchOptions(batchSize, tableSizes) { Order = order, Seed = seed };
        long batchesPerEpoch;
        using (var reader = store.Read(trainSplit, train)) batchesPerEpoch = reader.Batches;

        return new TrainingData(
            batchesPerEpoch,
            (epoch, skip) => Batches(store, trainSplit, train with { Epoch = epoch, SkipBatches = skip }),
            reference ? null : () => Evaluation(store, DataSplit.Val, tableSizes),
            () => Evaluation(store, DataSplit.Test, tableSizes),
            store.Manifest.Fingerprint());
    }

    /// <summary>A split in stored order, in evaluation-sized batches.</summary>
    public static IEnumerable<Batch> Evaluation(DataStore store, DataSplit split, IReadOnlyList<long> tableSizes) =>
        Batches(store, split, new BatchOptions(RecipeDefaults.EvaluationBatchSize, tableSizes));

    private static IEnumerable<Batch> Batches(DataStore store, DataSplit split, BatchOptions options)
    {
        using var reader = store.Read(split, options);
        foreach (var batch in reader) yield return batch;
    }
}
