namespace NasRec.Runtime.Data.Synthetic;

/// <summary>What a generated file holds, in numbers a model can be judged against.</summary>
/// <param name="BayesLogloss">Mean logloss of the true click probabilities over the rows: the best any model can expect.</param>
/// <param name="BaseRateLogloss">Logloss of predicting <paramref name="PositiveRate"/> for every row: what a model must beat to have learned anything.</param>
public sealed record SyntheticStats(long Rows, double PositiveRate, double BayesLogloss, double BaseRateLogloss)
{
    internal sealed class Accumulator
    {
        private long rows, positives;
        private double logloss;

        public void Add(SyntheticRow row)
        {
            rows++;
            positives += row.Label;
            // -ln σ(±logit) = softplus(∓logit), computed without overflow.
            double x = row.Label == 1 ? -row.Logit : row.Logit;
            logloss += Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        }

        public SyntheticStats Result()
        {
            double rate = rows == 0 ? 0 : (double)positives / rows;
            return new SyntheticStats(rows, rate, rows == 0 ? 0 : logloss / rows, BinaryEntropy(rate));
        }

        private static double BinaryEntropy(double p) => p is <= 0 or >= 1 ? 0 : -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));
    }
}
