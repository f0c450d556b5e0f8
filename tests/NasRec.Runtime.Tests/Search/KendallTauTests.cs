using NasRec.Runtime.Search;

namespace NasRec.Runtime.Tests.Search;

/// <summary>Kendall's tau-b against <c>scipy.stats.kendalltau</c> (scipy 1.10, numpy 1.24).</summary>
public sealed class KendallTauTests
{
    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6 }, new double[] { 2, 1, 4, 3, 6, 5 }, 0.6)]
    [InlineData(new double[] { 1, 2, 2, 3, 4, 4, 5 }, new double[] { 3, 1, 2, 2, 5, 4, 4 }, 0.47368421052631565)]
    [InlineData(new double[] { 0.45, 0.44, 0.47, 0.43, 0.46 }, new double[] { 0.41, 0.40, 0.43, 0.42, 0.44 }, 0.39999999999999997)]
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }, -1.0)]
    public void TauBEqualsScipys(double[] x, double[] y, double expected) =>
        Assert.Equal(expected, KendallTau.TauB(x, y), 12);

    [Fact]
    public void AllTiesOnOneSideHaveNoCorrelation() =>
        Assert.True(double.IsNaN(KendallTau.TauB(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 })));
}
