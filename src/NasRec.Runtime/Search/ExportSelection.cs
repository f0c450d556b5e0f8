namespace NasRec.Runtime.Search;

/// <summary>Which evaluated candidates a search exports, as the reference's notebook picks them (spec §6.7 step 1).</summary>
public static class ExportSelection
{
    /// <summary>Losses this close to the last kept one count as the same architecture evaluated again (the notebook's test).</summary>
    public const double SameLoss = 1e-6;

    /// <summary>
    /// The <paramref name="top"/> best entries by validation logloss (ties in candidate order): an entry whose loss equals
    /// the previously kept one's within <see cref="SameLoss"/> is dropped as the notebook drops it, and so is any entry
    /// whose hash was already kept. Diverged (NaN) entries are never exported.
    /// </summary>
    public static IReadOnlyList<JournalEntry> Best(IEnumerable<JournalEntry> entries, int top)
    {
        var kept = new List<JournalEntry>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        double last = 0;    // the notebook's starting value
        foreach (var entry in entries.Where(e => !double.IsNaN(e.ValLogloss)).OrderBy(e => e.ValLogloss).ThenBy(e => e.Index))
        {
            if (kept.Count == top) break;
            if (Math.Abs(entry.ValLogloss - last) <= SameLoss || !hashes.Add(entry.Hash)) continue;
            kept.Add(entry);
            last = entry.ValLogloss;
        }
        return kept;
    }
}
