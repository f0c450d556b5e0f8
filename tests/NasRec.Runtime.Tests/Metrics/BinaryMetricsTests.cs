using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;

namespace NasRec.Runtime.Tests.Metrics;

public sealed class BinaryMetricsTests
{
    private static readonly float[] Logits = { -2.0f, -1.0f, -0.5f, 0.0f, 0.0f, 0.3f, 0.3f, 1.2f, 2.5f, -3.0f, 0.7f, -0.2f };
    private static readonly float[] Labels = { 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1 };

    [Fact]
    public void MatchesScikitLearnAndTheDefinitions()
    {
        // /usr/bin/python3 (numpy 1.24, scikit-learn 1.2):
        //   p = (1 / (1 + np.exp(-logits))).astype(np.float32); x = logits.astype(np.float64); y = labels
        //   roc_auc_score(y, p) -> 0.7222222222222222
        //   ll = np.mean(np.maximum(x, 0) - x*y + np.log1p(np.exp(-np.abs(x)))) -> 0.5417796657233401
        //   r = y.mean(); ll / -(r*np.log(r) + (1-r)*np.log(1-r)) -> 0.7816228359196576
        //   np.mean((p > 0.5) == y) -> 0.5833333333333334;  p.astype(np.float64).mean() / r -> 0.9621693938970566
        var metrics = BinaryMetrics.Compute(Logits, Labels);

        Assert.Equal(12, metrics.Count);
        Assert.Equal(0.7222222222222222, metrics.Auc, 12);
        Assert.Equal(0.5417796657233401, metrics.Logloss, 12);
        Assert.Equal(0.7816228359196576, metrics.NormalizedEntropy, 8); // numpy took the rate in float32
        Assert.Equal(0.5833333333333334, metrics.Accuracy, 12);
        Assert.Equal(0.9621693938970566, metrics.Calibration, 6);
    }

    [Fact]
    public void LoglossStaysFiniteForSaturatedLogits()
    {
        var metrics = BinaryMetrics.Compute(new[] { 200f, -200f, 100f }, new[] { 1f, 0f, 0f });
        Assert.Equal(100.0 / 3, metrics.Logloss, 9);
    }

    [Fact]
    public void ASplitWithOneClassIsRejected()
    {
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute(new[] { 0.1f, 0.2f }, new[] { 0f, 0f }));
    }

    [Fact]
    public void RowsOfOneClassOrNoneAreTheDatasFaultNamedForTheUser()
    {
        var single = Assert.Throws<DataException>(() => BinaryMetrics.RequireBothClasses(new[] { 1f, 1f, 1f }, "The 3 rows evaluated"));
        Assert.Equal("The 3 rows evaluated are all labelled 1: AUC and normalized entropy need both classes.", single.Message);
        var none = Assert.Throws<DataException>(() => BinaryMetrics.RequireBothClasses([], "The 0 rows evaluated"));
        Assert.Contains("are none", none.Message);
        BinaryMetrics.RequireBothClasses(Labels, "both classes");
    }
}
