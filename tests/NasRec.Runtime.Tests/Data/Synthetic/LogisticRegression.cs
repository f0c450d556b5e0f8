using NasRec.Runtime.Data.Synthetic;

namespace NasRec.Runtime.Tests.Data.Synthetic;

/// <summary>
/// Logistic regression on hashed one-hot features with Adagrad, in plain C# (fast enough for a
/// few hundred thousand rows in a test). With <c>crosses</c> it also sees one-hot features of the
/// planted interactions: each categorical pair or triple jointly, and each dense feature's value
/// per category of the feature it interacts with, so its family contains the true model.
/// </summary>
internal sealed class LogisticRegression(bool crosses)
{
    private const int HashBits = 22;
    private readonly double[] weights = new double[1 << HashBits];
    private readonly double[] squaredGradients = new double[1 << HashBits];
    private readonly List<(int Index, double Value)> features = [];

    public double LearningRate { get; init; } = 0.08;

    public void Train(IReadOnlyList<SyntheticRowCopy> rows, int epochs)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (var row in rows)
            {
                Featurize(row);
                double gradient = Probability() - row.Label;
                foreach (var (index, value) in features)
                {
                    double g = gradient * value;
                    squaredGradients[index] += g * g;
                    weights[index] -= LearningRate * g / Math.Sqrt(squaredGradients[index] + 1e-8);
                }
            }
    }

    public double MeanLogloss(IReadOnlyList<SyntheticRowCopy> rows) => rows.Average(row =>
    {
        Featurize(row);
        double p = Math.Clamp(Probability(), 1e-12, 1 - 1e-12);
        return row.Label == 1 ? -Math.Log(p) : -Math.Log(1 - p);
    });

    private double Probability()
    {
        double logit = 0;
        foreach (var (index, value) in features) logit += weights[index] * value;
        return 1 / (1 + Math.Exp(-logit));
    }

    private void Featurize(SyntheticRowCopy row)
    {
        features.Clear();
        features.Add((0, 1));
        for (int j = 0; j < row.Category.Length; j++)
            if (row.Category[j] != SyntheticRow.Missing) features.Add((Hash(1, j, row.Category[j]), 1));
        for (int d = 0; d < row.Log1p.Length; d++) features.Add((Hash(2, d, 0), row.Log1p[d]));
        if (!crosses) return;
        var interactions = SyntheticCtrModel.CategoricalInteractions;
        for (int t = 0; t < interactions.Count; t++)
        {
            if (interactions[t].Any(j => row.Category[j] == SyntheticRow.Missing)) continue;
            int joint = interactions[t].Aggregate(17, (h, j) => h * 31 + row.Category[j]);
            features.Add((Hash(3, t, joint), 1));
        }
        var slopes = SyntheticCtrModel.CategoryDenseInteractions;
        for (int t = 0; t < slopes.Count; t++)
            if (row.Category[slopes[t].Category] != SyntheticRow.Missing)
                features.Add((Hash(4, t, row.Category[slopes[t].Category]), row.Log1p[slopes[t].Dense]));
    }

    /// <summary>A fixed hash (HashCode is randomized per process; the test must not be).</summary>
    private static int Hash(int kind, int feature, int value)
    {
        ulong z = ((ulong)kind << 56) ^ ((ulong)feature << 40) ^ (uint)value;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return (int)((z ^ (z >> 31)) & ((1 << HashBits) - 1));
    }
}

/// <summary>What a model sees of a generated row (log1p of the dense values, missing as 0), and the truth.</summary>
internal sealed record SyntheticRowCopy(int Label, double ClickProbability, int[] Category, double[] Log1p)
{
    public static List<SyntheticRowCopy> Generate(SyntheticCtrModel model, long first, int count)
    {
        var row = model.NewRow();
        var rows = new List<SyntheticRowCopy>(count);
        for (long i = first; i < first + count; i++)
        {
            model.Sample(i, row);
            rows.Add(new SyntheticRowCopy(row.Label, row.ClickProbability, (int[])row.Category.Clone(),
                row.Dense.Select((x, d) => row.DenseMissing[d] ? 0 : Math.Log(1 + Math.Max(x, 0))).ToArray()));
        }
        return rows;
    }
}
