namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// The log-odds of a click: an intercept, first-order effects of categories and dense signals, and
/// interactions a linear model cannot express: low-rank pairwise and three-way products of
/// per-category factors, and category-dependent slopes of dense signals. A missing category
/// contributes nothing.
/// </summary>
internal sealed class PlantedEffects
{
    /// <summary>Factors per category in each interaction term (<see cref="FactorTerm.Value"/> is written for 2).</summary>
    private const int Rank = 2;

    private readonly double[][] firstOrder;
    private readonly double[] denseSlope;
    private readonly FactorTerm[] pairs;
    private readonly FactorTerm[] triples;
    private readonly DenseByCategory[] denseByCategory;

    public PlantedEffects(IReadOnlyList<CategoricalFeature> categorical, int denseFeatures, EffectDesign design, SplitMix64 random)
    {
        firstOrder = categorical.Select((feature, j) => Gaussians(feature.Cardinality, design.Uninformative.Contains(j) ? 0 : design.FirstOrderScale, ref random)).ToArray();
        denseSlope = Gaussians(denseFeatures, design.DenseScale, ref random);
        pairs = design.Pairs.Select(features => FactorTerm.Draw(features, categorical, design.PairFactorScale, ref random)).ToArray();
        triples = design.Triples.Select(features => FactorTerm.Draw(features, categorical, design.TripleFactorScale, ref random)).ToArray();
        denseByCategory = design.DenseByCategory
            .Select(t => new DenseByCategory(t.Category, t.Dense, Gaussians(categorical[t.Category].Cardinality, design.DenseByCategoryScale, ref random)))
            .ToArray();
    }

    public double Intercept { get; set; }

    public double Logit(SyntheticRow row)
    {
        double logit = Intercept;
        var category = row.Category;
        for (int j = 0; j < category.Length; j++)
            if (category[j] != SyntheticRow.Missing) logit += firstOrder[j][category[j]];
        var signal = row.DenseSignal;
        for (int d = 0; d < signal.Length; d++) logit += denseSlope[d] * signal[d];
        foreach (var term in pairs) logit += term.Value(category);
        foreach (var term in triples) logit += term.Value(category);
        foreach (var term in denseByCategory)
            if (category[term.Category] != SyntheticRow.Missing) logit += term.Slope[category[term.Category]] * signal[term.Dense];
        return logit;
    }

    private static double[] Gaussians(int count, double scale, ref SplitMix64 random)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = scale * random.NextGaussian();
        return values;
    }

    /// <summary>Σ_r Π_f factor_f[category_f][r] over its features: zero when any of them is missing.</summary>
    private sealed record FactorTerm(int[] Features, double[][] Factors)
    {
        public static FactorTerm Draw(int[] features, IReadOnlyList<CategoricalFeature> categorical, double scale, ref SplitMix64 random)
        {
            var factors = new double[features.Length][];
            for (int i = 0; i < features.Length; i++) factors[i] = Gaussians(categorical[features[i]].Cardinality * Rank, scale, ref random);
            return new FactorTerm(features, factors);
        }

        public double Value(int[] category)
        {
            double first = 1, second = 1;
            for (int i = 0; i < Features.Length; i++)
            {
                int c = category[Features[i]];
                if (c == SyntheticRow.Missing) return 0;
                first *= Factors[i][c * Rank];
                second *= Factors[i][c * Rank + 1];
            }
            return first + second;
        }
    }

    private sealed record DenseByCategory(int Category, int Dense, double[] Slope);
}

/// <summary>Which features carry which planted effect, and how strong each kind is (standard deviations on the log-odds scale).</summary>
internal sealed record EffectDesign(
    int[] Uninformative,
    double FirstOrderScale,
    double DenseScale,
    int[][] Pairs,
    double PairFactorScale,
    int[][] Triples,
    double TripleFactorScale,
    (int Category, int Dense)[] DenseByCategory,
    double DenseByCategoryScale);
