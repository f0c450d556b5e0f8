namespace NasRec.Runtime.Tests.Supernets;

/// <summary>Pearson's goodness-of-fit test at the 0.1 % level: seeded draws must match the spec's probabilities.</summary>
internal static class ChiSquare
{
    /// <summary>Upper 0.1 % points of χ² with 1..15 degrees of freedom.</summary>
    private static readonly double[] Critical =
        [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588, 31.264, 32.909, 34.528, 36.123, 37.697];

    public static void Fits<T>(IEnumerable<T> draws, IReadOnlyDictionary<T, double> probabilities)
        where T : notnull
    {
        var counts = draws.GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(counts.Keys, key => Assert.True(probabilities.ContainsKey(key), $"{key} was drawn but has probability 0"));
        double total = counts.Values.Sum();
        double statistic = probabilities.Sum(p =>
        {
            double expected = total * p.Value;
            double observed = counts.GetValueOrDefault(p.Key);
            return (observed - expected) * (observed - expected) / expected;
        });
        double critical = Critical[probabilities.Count - 2];
        Assert.True(statistic < critical,
            $"χ² = {statistic:F2} ≥ {critical} for counts {string.Join(", ", probabilities.Keys.Select(k => $"{k}: {counts.GetValueOrDefault(k)}"))}");
    }
}
