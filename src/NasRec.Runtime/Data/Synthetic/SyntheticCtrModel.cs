namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// A seeded generator of Criteo-layout click data (13 dense integer features, 26 categorical
/// features as 8-hex-digit strings, both sometimes missing) whose true click probability has
/// planted structure: first-order effects, pairwise and three-way interactions between categorical
/// features, category-dependent slopes of dense features, and Zipf-distributed category
/// frequencies. A model with feature interactions beats logistic regression on it, and the true
/// probabilities give the best achievable (Bayes) logloss. Row <c>i</c> depends only on the seed
/// and <c>i</c>.
/// </summary>
public sealed class SyntheticCtrModel
{
    public const int DenseFeatures = 13;
    public const int CategoricalFeatures = 26;

    /// <summary>The share of positive rows the intercept is calibrated to (Criteo has 25.6 %).</summary>
    public const double TargetPositiveRate = 0.25;

    // Criteo-like shapes: categories per feature (capped below by what the tables can hold),
    // missing rates near Criteo's, and heavy-tailed dense counts (I2 goes negative, as in Criteo).
    private static readonly int[] DesignCardinality = [600, 400, 1000, 1000, 200, 20, 800, 400, 3, 800, 600, 1000, 600, 25, 800, 1000, 10, 600, 500, 4, 1000, 18, 15, 800, 100, 800];
    private static readonly double[] CategoryMissingRate = [0, 0, 0.03, 0.03, 0, 0.12, 0, 0, 0, 0, 0, 0.03, 0, 0, 0, 0.03, 0, 0, 0.44, 0.44, 0.03, 0.76, 0, 0.03, 0.44, 0.44];
    private static readonly double[] DenseMissingRate = [0.45, 0, 0.21, 0.22, 0.03, 0.22, 0.04, 0.0005, 0.04, 0.45, 0.04, 0.77, 0.22];
    private static readonly int[] DenseMinimum = [0, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly double[] DenseShift = [1, 4, 2, 2, 20, 3, 1, 2, 4, 1, 1, 1, 2];
    private static readonly double[] DenseExponent = [1.8, 1.3, 1.5, 1.7, 1.4, 1.5, 1.6, 1.9, 1.6, 2.5, 2.2, 2.0, 1.7];
    private const int DenseValues = 1000;
    private const double ZipfExponent = 1.2;

    private static readonly EffectDesign Effects = new(
        Uninformative: [3, 11, 15],
        FirstOrderScale: 0.3,
        DenseScale: 0.2,
        Pairs: [[5, 13], [8, 16], [21, 22], [4, 24], [13, 19], [16, 24], [0, 5], [1, 22]],
        PairFactorScale: 0.6,
        Triples: [[5, 8, 16], [13, 21, 22], [1, 4, 19]],
        TripleFactorScale: 0.65,
        DenseByCategory: [(5, 0), (13, 4), (16, 6), (22, 10), (24, 12)],
        DenseByCategoryScale: 0.4);

    private readonly CategoricalFeature[] categorical;
    private readonly DenseFeature[] dense;
    private readonly PlantedEffects effects;
    private readonly ulong rowStream;

    /// <param name="seed">Any seed; the same seed gives the same model and the same rows.</param>
    /// <param name="tableSizes">The 26 embedding-table sizes the data will be read with (Criteo's); categories stay distinct under their hashing modulo.</param>
    /// <param name="tableCap">A cap the tables may also be read with (the search's 500,000), or null.</param>
    public SyntheticCtrModel(int seed, IReadOnlyList<long> tableSizes, long? tableCap)
    {
        if (tableSizes.Count != CategoricalFeatures)
            throw new ArgumentException($"Criteo-layout data has {CategoricalFeatures} categorical features; {tableSizes.Count} table sizes were given.", nameof(tableSizes));
        if (tableSizes.Any(size => size < 2) || tableCap < 2)
            throw new ArgumentException("Every table needs at least 2 rows (row 0 is for missing values).", nameof(tableSizes));

        ulong key = SplitMix64.Mix((ulong)seed ^ 0x5EED_C7A5_0000_0000);
        rowStream = SplitMix64.Mix(key + 1);
        var random = new SplitMix64(key);
        categorical = new CategoricalFeature[CategoricalFeatures];
        for (int j = 0; j < CategoricalFeatures; j++)
        {
            // Index = fmod(v, n - 1) + 1 (spec §1.4): ids must differ modulo n - 1 for the full and the capped size.
            var moduli = new[] { tableSizes[j], Math.Min(tableSizes[j], tableCap ?? long.MaxValue) }.Select(n => n - 1).Distinct().ToArray();
            int cardinality = (int)Math.Min(DesignCardinality[j], moduli.Min());
            categorical[j] = new CategoricalFeature(cardinality, ZipfExponent, CategoryMissingRate[j], moduli, ref random);
        }
        dense = Enumerable.Range(0, DenseFeatures)
            .Select(d => new DenseFeature(DenseMinimum[d], DenseValues, DenseShift[d], DenseExponent[d], DenseMissingRate[d]))
            .ToArray();
        effects = new PlantedEffects(categorical, DenseFeatures, Effects, new SplitMix64(SplitMix64.Mix(key + 2)));
        effects.Intercept = CalibratedIntercept();
    }

    /// <summary>The categorical features (0-based: 0 is C1) whose joint values change the click probability beyond their separate effects: pairs and triples.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> CategoricalInteractions { get; } = [.. Effects.Pairs, .. Effects.Triples];

    /// <summary>(categorical, dense) feature pairs (0-based) where the dense feature's effect depends on the category.</summary>
    public static IReadOnlyList<(int Category, int Dense)> CategoryDenseInteractions { get; } = Effects.DenseByCategory;

    /// <summary>A row buffer for <see cref="Sample"/>, reused across rows.</summary>
    public SyntheticRow NewRow() => new(DenseFeatures, CategoricalFeatures);

    /// <summary>Fills <paramref name="row"/> with row number <paramref name="index"/> of this seed's data.</summary>
    public void Sample(long index, SyntheticRow row)
    {
        var random = SplitMix64.ForRow(rowStream, index);
        for (int j = 0; j < categorical.Length; j++) row.Category[j] = categorical[j].Sample(ref random);
        for (int d = 0; d < dense.Length; d++) dense[d].Sample(ref random, row, d);
        double logit = effects.Logit(row);
        row.Logit = logit;
        row.ClickProbability = 1 / (1 + Math.Exp(-logit));
        row.Label = random.NextDouble() < row.ClickProbability ? 1 : 0;
    }

    /// <summary>Categories of feature <paramref name="feature"/> (0-based), most frequent first.</summary>
    public int Cardinality(int feature) => categorical[feature].Cardinality;

    /// <summary>The 8-hex-digit string Criteo would hold for a category (lower case).</summary>
    public string CategoryHex(int feature, int category) => categorical[feature].Hex[category];

    internal ReadOnlySpan<byte> CategoryHexUtf8(int feature, int category) => categorical[feature].HexUtf8(category);

    /// <summary>The intercept that makes the mean click probability <see cref="TargetPositiveRate"/> over a fixed sample of rows.</summary>
    private double CalibratedIntercept()
    {
        const int sampleRows = 8192;
        var row = NewRow();
        var logits = new double[sampleRows];
        for (int i = 0; i < sampleRows; i++)
        {
            // Rows from the end of the stream's range: a calibration sample, not the data's first rows.
            Sample(long.MaxValue - i, row);
            logits[i] = row.Logit - effects.Intercept;
        }
        double low = -20, high = 20;
        for (int step = 0; step < 60; step++)
        {
            double middle = (low + high) / 2;
            double meanProbability = logits.Average(l => 1 / (1 + Math.Exp(-(l + middle))));
            if (meanProbability < TargetPositiveRate) low = middle; else high = middle;
        }
        return (low + high) / 2;
    }
}
