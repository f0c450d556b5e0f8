namespace NasRec.Runtime.Data;

/// <summary>The order in which a <see cref="BatchReader"/> visits a split's rows.</summary>
public enum BatchOrder
{
    /// <summary>Stored order (file order within each split).</summary>
    Sequential,
    /// <summary>A permutation that depends on <see cref="BatchOptions.Seed"/> and <see cref="BatchOptions.Epoch"/> only.</summary>
    Shuffled,
    /// <summary>The reference's loader (spec §1.3): the split cut into shards of round(n / shards) rows, batched within each shard, batches taken round-robin.</summary>
    RoundRobinShards,
}

/// <summary>How to read batches: size, table sizes for the modulo (spec §1.4), order, prefix, resume point.</summary>
/// <param name="TableSizes">Embedding rows per sparse feature (after any cap); the stored values are reduced to these.</param>
public sealed record BatchOptions(int BatchSize, IReadOnlyList<long> TableSizes)
{
    public BatchOrder Order { get; init; } = BatchOrder.Sequential;

    /// <summary>Shuffled: with <see cref="Epoch"/>, the permutation.</summary>
    public int Seed { get; init; }

    public int Epoch { get; init; }

    /// <summary>Read only this many rows: a prefix of the order (the search fine-tunes on the first batches and scores a val prefix).</summary>
    public long? MaxRows { get; init; }

    /// <summary>Resume: start after this many batches of the same order.</summary>
    public long SkipBatches { get; init; }

    /// <summary>RoundRobinShards: the number of shards (the reference's 8).</summary>
    public int Shards { get; init; } = 8;

    /// <summary>Batches prepared ahead on a background thread.</summary>
    public int Prefetch { get; init; } = 4;
}
