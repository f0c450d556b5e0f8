namespace NasRec.Runtime.Search;

/// <summary>Which evaluated candidates a search exports, as the reference's notebook picks them (spec §6.7 step 1).</summary>
public static class ExportSelection
{
    /// <summary>Losses this close to the last kept one count as the same architecture evaluated again (the notebook's test).</summary>
    public const double SameLoss = 1e-6;

    /// <summary>
    /// The <paramref name="top"/> best entries by validation logloss (ties in candidate order): an entry whose loss equals
    /// the previously kept one's within <see cref="SameLoss"/> is dropped as the notebook drops it, and so is any entry
    /// whose hash was already kept (architectures differing only in blocks the head never reads score the same and
    /// train the same). Diverged (NaN) entries are never exported.
    /// </summary>
    public static IReadOnlyList<JournalEntry> Best(IEnumerable<JournalEntry> entries, int top) =>
        Best(entries, top, e => e.ValLogloss, e => e.Index, e => e.Hash);

    /// <summary>As <see cref="Best(IEnumerable{JournalEntry}, int)"/>, for the candidates of a search run in this process.</summary>
    public static IReadOnlyList<EvaluatedCandidate> Best(IEnumerable<EvaluatedCandidate> candidates, int top) =>
        Best(candidates, top, c => c.ValLogloss, c => c.Candidate.Index, c => c.Candidate.Hash);

    private static IReadOnlyList<T> Best<T>(IEnumerable<T> entries, int top, Func<T, double> logloss, Func<T, int> index, Func<T, string> hash)
    {
        var kept = new List<T>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        double last = 0;    // the notebook's starting value
        foreach (var entry in entries.Where(e => !double.IsNaN(logloss(e))).OrderBy(logloss).ThenBy(index))
        {
            if (kept.Count == top) break;
            if (Math.Abs(logloss(entry) - last) <= SameLoss || !hashes.Add(hash(entry))) continue;
            kept.Add(entry);
            last = logloss(entry);
        }
        return kept;
    }
}
