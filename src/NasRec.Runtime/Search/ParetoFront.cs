namespace NasRec.Runtime.Search;

/// <summary>Non-dominated candidates of (validation logloss, MFLOPs), both minimized.</summary>
public static class ParetoFront
{
    /// <summary>
    /// The candidates no other candidate beats on one objective without losing on the other, sorted by MFLOPs (then
    /// logloss, then candidate order). Of candidates with equal values only the first is kept; diverged candidates
    /// (NaN logloss) are left out.
    /// </summary>
    public static IReadOnlyList<EvaluatedCandidate> Of(IEnumerable<EvaluatedCandidate> candidates) =>
        Of(candidates, c => c.ValLogloss, c => c.Candidate.MegaFlops, c => c.Candidate.Index);

    /// <summary>As <see cref="Of(IEnumerable{EvaluatedCandidate})"/>, for any record of a candidate (a journal's lines, say).</summary>
    public static IReadOnlyList<T> Of<T>(IEnumerable<T> candidates, Func<T, double> logloss, Func<T, double> megaFlops, Func<T, int> index)
    {
        var front = new List<T>();
        double best = double.PositiveInfinity;
        foreach (var candidate in candidates.Where(c => !double.IsNaN(logloss(c))).OrderBy(megaFlops).ThenBy(logloss).ThenBy(index))
        {
            // Sorted by MFLOPs, a candidate is dominated exactly when an earlier one has a logloss at least as low.
            if (logloss(candidate) < best)
            {
                front.Add(candidate);
                best = logloss(candidate);
            }
        }
        return front;
    }
}

/// <summary>How candidates compare by score.</summary>
public static class Ranking
{
    /// <summary>The validation logloss, a diverged (NaN) one as +∞ so that it never wins.</summary>
    public static double Loss(EvaluatedCandidate candidate) => double.IsNaN(candidate.ValLogloss) ? double.PositiveInfinity : candidate.ValLogloss;

    /// <summary>By logloss, ties in candidate order (a stable sort, as the reference's sort of 8 children is).</summary>
    public static IEnumerable<EvaluatedCandidate> Best(IEnumerable<EvaluatedCandidate> candidates) =>
        candidates.OrderBy(Loss).ThenBy(c => c.Candidate.Index);
}
