namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// A dense feature of the synthetic data: a heavy-tailed integer count from <see cref="Minimum"/>
/// up (probability of value v proportional to 1 / (v - minimum + shift)^exponent), missing at a
/// given rate. Models read it as ln(1 + max(x, 0)) (spec §1.4), with 0 when missing; the planted
/// effects read that same quantity, standardized.
/// </summary>
internal sealed class DenseFeature
{
    private readonly AliasTable values;
    private readonly uint missingThreshold;
    private readonly double[] signalOfValue;

    public DenseFeature(int minimum, int count, double shift, double exponent, double missingRate)
    {
        Minimum = minimum;
        var weights = AliasTable.ZipfWeights(count, exponent, shift);
        values = new AliasTable(weights);
        missingThreshold = (uint)(missingRate * uint.MaxValue);

        double total = weights.Sum();
        var log1p = Enumerable.Range(minimum, count).Select(v => Math.Log(1 + Math.Max(v, 0))).ToArray();
        double mean = (1 - missingRate) * log1p.Select((t, i) => t * weights[i]).Sum() / total;
        double meanSquare = (1 - missingRate) * log1p.Select((t, i) => t * t * weights[i]).Sum() / total;
        double deviation = Math.Sqrt(Math.Max(meanSquare - mean * mean, 1e-12));
        signalOfValue = log1p.Select(t => (t - mean) / deviation).ToArray();
        MissingSignal = -mean / deviation;
    }

    public int Minimum { get; }

    public double MissingSignal { get; }

    /// <summary>Draws the value into <paramref name="row"/>'s slot <paramref name="feature"/>.</summary>
    public void Sample(ref SplitMix64 random, SyntheticRow row, int feature)
    {
        bool missing = (uint)(random.Next() >> 32) < missingThreshold;
        int index = values.Sample(random.Next());
        row.DenseMissing[feature] = missing;
        row.Dense[feature] = missing ? 0 : Minimum + index;
        row.DenseSignal[feature] = missing ? MissingSignal : signalOfValue[index];
    }
}
