namespace NasRec.Runtime.Search;

/// <summary>Non-dominated candidates of (validation logloss, MFLOPs), both minimized.</summary>
public static class ParetoFront
{
    /// <summary>
    /// The candidates no other candidate beats on one objective without losing on the other, sorted by MFLOPs (then
    /// logloss, then candidate order). Of candidates with equal values only the first is kept; diverged candidates
    /// (NaN logloss) are left out.
    /// </summary>
    public static IReadOnlyList<EvaluatedCandidate> Of(IEnumerable<EvaluatedCandidate> candidates)
    {
        var front = new List<EvaluatedCandidate>();
        double best = double.PositiveInfinity;
        foreach (var candidate in candidates.Where(c => !double.IsNaN(c.ValLogloss)).OrderBy(c => c.Candidate.MegaFlops).ThenBy(c => c.ValLogloss).ThenBy(c => c.Candidate.Index))
        {
            // Sorted by MFLOPs, a candidate is dominated exactly when an earlier one has a logloss at least as low.
            if (candidate.ValLogloss < best)
            {
                front.Add(candidate);
                best = candidate.ValLogloss;
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
