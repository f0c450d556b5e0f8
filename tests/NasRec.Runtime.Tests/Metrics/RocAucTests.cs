using NasRec.Runtime.Metrics;

namespace NasRec.Runtime.Tests.Metrics;

public sealed class RocAucTests
{
    [Fact]
    public void PerfectAndReversedRankingsGiveOneAndZero()
    {
        Assert.Equal(1.0, RocAuc.Compute(new[] { 0.1f, 0.2f, 0.8f, 0.9f }, new[] { 0f, 0f, 1f, 1f }));
        Assert.Equal(0.0, RocAuc.Compute(new[] { 0.9f, 0.8f, 0.2f, 0.1f }, new[] { 0f, 0f, 1f, 1f }));
    }

    [Fact]
    public void HandComputedMixedRankingWithATie()
    {
        // Pairs (positive, negative): (0.5, 0.1) win, (0.5, 0.5) tie, (0.5, 0.7) loss, (0.9, each) 3 wins: 4.5 / 6.
        Assert.Equal(4.5 / 6, RocAuc.Compute(new[] { 0.1f, 0.5f, 0.5f, 0.7f, 0.9f }, new[] { 0f, 0f, 1f, 0f, 1f }), 15);
    }

    [Fact]
    public void AllTiedScoresGiveOneHalf()
    {
        Assert.Equal(0.5, RocAuc.Compute(Enumerable.Repeat(0.3f, 7).ToArray(), new[] { 0f, 1f, 1f, 0f, 0f, 1f, 0f }));
    }

    [Fact]
    public void ASingleClassIsAClearErrorNotNaN()
    {
        var error = Assert.Throws<ArgumentException>(() => RocAuc.Compute(new[] { 0.1f, 0.7f }, new[] { 1f, 1f }));
        Assert.Contains("all 2 labels are 1", error.Message);
    }

    [Fact]
    public void EqualsABruteForcePairCountOnALargeRandomCaseWithManyTies()
    {
        var random = new Random(17);
        const int n = 3000;
        // Scores on a coarse grid so that ties are frequent, labels correlated with the score.
        var scores = Enumerable.Range(0, n).Select(_ => MathF.Round(random.NextSingle() * 50) / 50).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 0.2 + 0.6 * s ? 1f : 0f).ToArray();

        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[i] != 1) continue;
            for (int j = 0; j < n; j++)
            {
                if (labels[j] != 0) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }

        Assert.Equal(wins / pairs, RocAuc.Compute(scores, labels), 12);
    }
}
