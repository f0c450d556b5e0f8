using System.Globalization;
using System.Runtime.InteropServices;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using static TorchSharp.torch;

namespace NasRec.Runtime.Search;

/// <summary>
/// The rows every candidate is fine-tuned and scored on (spec §6.3, §9.5): the first training batches and a validation
/// prefix, both in the reference's round-robin shard order, so every candidate sees the same rows as there. Read once
/// into memory (Criteo: 0.26M + 1.23M rows ≈ 0.4 GB) and shared read-only by every evaluator and thread.
/// </summary>
public sealed class FineTuneData : IDisposable
{
    private FineTuneData(HeldRows train, HeldRows validation, string? fingerprint)
    {
        Train = train;
        Validation = validation;
        Fingerprint = fingerprint;
    }

    /// <summary>The store's <see cref="Data.Store.StoreManifest.Fingerprint"/>; null for rows from elsewhere.</summary>
    public string? Fingerprint { get; }

    /// <summary>The first <see cref="FineTuneSettings.Steps"/> training batches (a store too small gives fewer, the last of each shard partial).</summary>
    public HeldRows Train { get; }

    /// <summary>The validation prefix.</summary>
    public HeldRows Validation { get; }

    public static FineTuneData Load(DataStore store, IReadOnlyList<long> tableSizes, FineTuneSettings settings)
    {
        var train = Read(store, DataSplit.Train, new BatchOptions(settings.BatchSize, tableSizes) { MaxRows = (long)settings.Steps * settings.BatchSize });
        var validation = Read(store, DataSplit.Val, new BatchOptions(FineTuneSettings.ValidationBatchSize, tableSizes) { MaxRows = settings.ValidationRows });
        try
        {
            BinaryMetrics.RequireBothClasses(MemoryMarshal.Cast<byte, float>(validation.Label.bytes),
                string.Create(CultureInfo.InvariantCulture, $"The {validation.Rows:N0} validation rows that score each candidate"));
        }
        catch
        {
            train.Dispose();
            validation.Dispose();
            throw;
        }
        return new FineTuneData(train, validation, store.Manifest.Fingerprint());
    }

    /// <summary>Rows held in memory, for data that comes from elsewhere than a store.</summary>
    public static FineTuneData Of(HeldRows train, HeldRows validation) => new(train, validation, fingerprint: null);

    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }

    private static HeldRows Read(DataStore store, DataSplit split, BatchOptions options)
    {
        using var reader = store.Read(split, options with { Order = BatchOrder.RoundRobinShards });
        var batches = new List<Batch>();
        try
        {
            // A reader's batch lives in reused buffers: each is copied before the next is read.
            foreach (var batch in reader) batches.Add(new Batch(batch.Dense.clone(), batch.Sparse.clone(), batch.Label.clone()));
            return HeldRows.Concat(batches);
        }
        finally
        {
            foreach (var batch in batches)
            {
                batch.Dense.Dispose();
                batch.Sparse.Dispose();
                batch.Label.Dispose();
            }
        }
    }
}

/// <summary>Batches held as three tensors on the CPU, with each batch's size (in order).</summary>
public sealed class HeldRows : IDisposable
{
    private HeldRows(Tensor dense, Tensor sparse, Tensor label, IReadOnlyList<int> batchSizes)
    {
        Dense = dense;
        Sparse = sparse;
        Label = label;
        BatchSizes = batchSizes;
    }

    public Tensor Dense { get; }

    public Tensor Sparse { get; }

    public Tensor Label { get; }

    public IReadOnlyList<int> BatchSizes { get; }

    public long Rows => Label.shape[0];

    /// <summary>Copies <paramref name="batches"/> into one set of tensors.</summary>
    /// <exception cref="ArgumentException">No batches: there is nothing to fine-tune or score on.</exception>
    public static HeldRows Concat(IReadOnlyList<Batch> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("No rows to hold: the split is empty.", nameof(batches));
        return new HeldRows(
            cat(batches.Select(b => b.Dense).ToArray()).DetachFromDisposeScope(),
            cat(batches.Select(b => b.Sparse).ToArray()).DetachFromDisposeScope(),
            cat(batches.Select(b => b.Label).ToArray()).DetachFromDisposeScope(),
            batches.Select(b => b.Size).ToArray());
    }

    public void Dispose()
    {
        Dense.Dispose();
        Sparse.Dispose();
        Label.Dispose();
    }
}
