namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// A dense feature of the synthetic data: a heavy-tailed integer count from <see cref="Minimum"/>
/// up (probability of value v proportional to 1 / (v - minimum + shift)^exponent), missing at a
/// given rate. Models read it as ln(1 + max(x, 0)) (spec §1.4), with 0 when missing; the planted
/// effects read that same quantity, standardized.
/// </summary>
internal sealed class DenseFeature
{
    // Outcomes 0..count-1 are values from the minimum up, outcome count is "missing".
    private readonly AliasTable outcomes;
    private readonly double[] signalOfOutcome;

    public DenseFeature(int minimum, int count, double shift, double exponent, double missingRate)
    {
        Minimum = minimum;
        var weights = AliasTable.ZipfWeights(count, exponent, shift);
        outcomes = AliasTable.WithMissing(weights, missingRate);

        double total = weights.Sum();
        var log1p = Enumerable.Range(minimum, count).Select(v => Math.Log(1 + Math.Max(v, 0))).ToArray();
        double mean = (1 - missingRate) * log1p.Select((t, i) => t * weights[i]).Sum() / total;
        double meanSquare = (1 - missingRate) * log1p.Select((t, i) => t * t * weights[i]).Sum() / total;
        double deviation = Math.Sqrt(Math.Max(meanSquare - mean * mean, 1e-12));
        // A missing value reads as 0 before standardizing.
        signalOfOutcome = [.. log1p.Select(t => (t - mean) / deviation), -mean / deviation];
    }

    public int Minimum { get; }

    /// <summary>Draws the value into <paramref name="row"/>'s slot <paramref name="feature"/>.</summary>
    public void Sample(ref SplitMix64 random, SyntheticRow row, int feature)
    {
        int outcome = outcomes.Sample(random.Next());
        bool missing = outcome == signalOfOutcome.Length - 1;
        row.DenseMissing[feature] = missing;
        row.Dense[feature] = missing ? 0 : Minimum + outcome;
        row.DenseSignal[feature] = signalOfOutcome[outcome];
    }
}
