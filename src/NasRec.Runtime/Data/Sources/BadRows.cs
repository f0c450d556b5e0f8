using System.Globalization;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// What happens to a bad row: without <c>--skip-bad-rows</c> the first one stops the run with its
/// <see cref="DataException"/>; with it, rows are counted per kind and the first few kept as examples.
/// </summary>
public sealed class BadRows
{
    public const int Examples = 5;
    private readonly object gate = new();
    private readonly SortedDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly List<DataException> examples = new();

    public BadRows(bool skip) => Skip = skip;

    public bool Skip { get; }

    public long Total { get; private set; }

    public IReadOnlyDictionary<string, long> Counts => counts;

    public IReadOnlyList<DataException> FirstExamples => examples;

    /// <summary>Throws <paramref name="error"/>, or (skipping) counts it under <paramref name="kind"/>.</summary>
    public void Report(string kind, DataException error)
    {
        if (!Skip) throw error;
        lock (gate)
        {
            counts[kind] = counts.TryGetValue(kind, out var n) ? n + 1 : 1;
            Total++;
            if (examples.Count < Examples) examples.Add(error);
        }
    }

    /// <summary>Folds a worker's report into this one, in row order.</summary>
    public void Add(BadRows other)
    {
        foreach (var (kind, count) in other.counts) counts[kind] = counts.TryGetValue(kind, out var n) ? n + count : count;
        Total += other.Total;
        foreach (var example in other.examples)
        {
            if (examples.Count < Examples) examples.Add(example);
        }
    }

    /// <summary>What a manifest or a scoring run records of the skipped rows.</summary>
    public Store.BadRowSummary ToSummary() => new(Total, counts.ToDictionary(c => c.Key, c => c.Value), examples.Select(e => e.Message).ToList());

    public string Summary() => string.Join(", ", counts.Select(c => string.Format(CultureInfo.InvariantCulture, "{0} {1}", c.Value, c.Key)));
}
