namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// One generated row, reused from row to row: the label, the true click probability, each dense
/// feature's integer (or missing), and each categorical feature's category rank (or missing).
/// </summary>
public sealed class SyntheticRow
{
    internal SyntheticRow(int denseFeatures, int categoricalFeatures)
    {
        Dense = new int[denseFeatures];
        DenseMissing = new bool[denseFeatures];
        DenseSignal = new double[denseFeatures];
        Category = new int[categoricalFeatures];
    }

    public int Label { get; internal set; }

    /// <summary>The planted model's probability of a click for this row's features.</summary>
    public double ClickProbability { get; internal set; }

    /// <summary>The planted model's log-odds; the label was drawn from its sigmoid.</summary>
    public double Logit { get; internal set; }

    public int[] Dense { get; }

    public bool[] DenseMissing { get; }

    /// <summary>Per categorical feature, the category's popularity rank (0 = most frequent), or <see cref="Missing"/>.</summary>
    public int[] Category { get; }

    /// <summary>Standardized ln(1 + max(x, 0)) per dense feature (0 for a missing value before standardizing): what the planted effects read.</summary>
    internal double[] DenseSignal { get; }

    public const int Missing = -1;
}
