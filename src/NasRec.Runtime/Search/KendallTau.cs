namespace NasRec.Runtime.Search;

/// <summary>Kendall's rank correlation, the tau-b variant that accounts for ties (as <c>scipy.stats.kendalltau</c>'s default).</summary>
public static class KendallTau
{
    /// <summary>
    /// <c>(concordant − discordant) / √((n₀ − n₁)(n₀ − n₂))</c> over the n₀ pairs, with n₁ and n₂ the pairs tied in
    /// <paramref name="x"/> and in <paramref name="y"/>; NaN when either side is all ties (or has under two values).
    /// O(n²): rank checks compare a handful of architectures.
    /// </summary>
    public static double TauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values against {y.Count}.", nameof(y));
        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0, pairs = 0;
        for (int i = 0; i < x.Count; i++)
        {
            for (int j = i + 1; j < x.Count; j++)
            {
                int dx = x[i].CompareTo(x[j]), dy = y[i].CompareTo(y[j]);
                pairs++;
                if (dx == 0) tiedX++;
                if (dy == 0) tiedY++;
                if (dx * dy > 0) concordant++;
                else if (dx * dy < 0) discordant++;
            }
        }
        double denominator = Math.Sqrt((double)(pairs - tiedX) * (pairs - tiedY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }
}
