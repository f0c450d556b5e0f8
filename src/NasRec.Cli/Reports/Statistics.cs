using NasRec.Runtime.Search;

namespace NasRec.Cli.Reports;

/// <summary>The summaries a report draws from a search's candidates.</summary>
internal static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count), as numpy's median.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values.", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The candidates no other candidate beats on both validation logloss and MFLOPs (lower is better for both), by
    /// ascending MFLOPs; of equal candidates the first evaluated.
    /// </summary>
    public static IReadOnlyList<JournalEntry> ParetoFront(IEnumerable<JournalEntry> candidates)
    {
        var front = new List<JournalEntry>();
        foreach (var candidate in candidates.OrderBy(c => c.Mflops).ThenBy(c => c.ValLogloss).ThenBy(c => c.Index))
        {
            if (front.Count == 0 || candidate.ValLogloss < front[^1].ValLogloss) front.Add(candidate);
        }
        return front;
    }
}
