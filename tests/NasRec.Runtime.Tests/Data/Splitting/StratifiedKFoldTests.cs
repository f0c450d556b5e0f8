using NasRec.Runtime.Data.Splitting;

namespace NasRec.Runtime.Tests.Data.Splitting;

public sealed class StratifiedKFoldTests
{
    public static TheoryData<string, byte[], int, int, string> ScikitLearnCases => new()
    {
        { "balanced", ReferenceLabels.Of(1000, i => ReferenceLabels.Hash(i) % 2), 10, 2018, ScikitLearnFolds.Balanced },
        { "3% positives, 3007 rows", ReferenceLabels.Of(3007, i => ReferenceLabels.Hash(i) % 100 < 3 ? 1 : 0), 10, 2018, ScikitLearnFolds.ThreePercent },
        { "25% positives, seed 7", ReferenceLabels.Of(2503, i => ReferenceLabels.Hash(i) % 100 < 25 ? 1 : 0), 10, 7, ScikitLearnFolds.QuarterSeed7 },
        { "a class of 4 rows", ReferenceLabels.Of(997, i => i is 5 or 300 or 301 or 996 ? 1 : 0), 10, 2018, ScikitLearnFolds.TinyClass },
        { "a single class", ReferenceLabels.Of(23, _ => 1), 10, 2018, ScikitLearnFolds.SingleClass },
        { "four classes, first seen out of order", ReferenceLabels.Of(1500, i => new[] { 2, 0, 1, 7 }[ReferenceLabels.Hash(i) % 4]), 5, 123456789, ScikitLearnFolds.FourClasses },
        { "3 folds, seed 0", ReferenceLabels.Of(10, i => ReferenceLabels.Hash(i) % 2), 3, 0, ScikitLearnFolds.ThreeFoldsSeed0 },
    };

    [Theory]
    [MemberData(nameof(ScikitLearnCases))]
    public void FoldsEqualScikitLearnsStratifiedKFold(string @case, byte[] labels, int folds, int seed, string expected)
    {
        string expectedFolds = expected.ReplaceLineEndings("");

        var actual = StratifiedKFold.Folds(labels, folds, seed);

        Assert.True(expectedFolds.Length == labels.Length, $"{@case}: the reference has {expectedFolds.Length} rows");
        Assert.Equal(expectedFolds, string.Concat(actual.Select(fold => (char)('0' + fold))));
    }

    [Fact]
    public void EachClassGetsTheFoldSharesOfScikitLearnsAllocation()
    {
        // 83 rows, 37 positives spread evenly, row 0 negative. Sorted encoded labels put the 46
        // negatives at positions 0..45 and the positives at 46..82; fold f receives the positions
        // congruent to f modulo 10.
        var labels = ReferenceLabels.Of(83, i => (i + 1) * 37 / 83 - i * 37 / 83);

        var folds = StratifiedKFold.Folds(labels, 10, 2018);

        Assert.Equal([5, 5, 5, 5, 5, 5, 4, 4, 4, 4], FoldCounts(labels, folds, label: 0));
        Assert.Equal([4, 4, 4, 3, 3, 3, 4, 4, 4, 4], FoldCounts(labels, folds, label: 1));
    }

    [Fact]
    public void EveryFoldOfALargeImbalancedSetHoldsItsShareOfEachClassToWithinOneRow()
    {
        var labels = ReferenceLabels.Of(100_003, i => ReferenceLabels.Hash(i) % 1000 < 256 ? 1 : 0);

        var folds = StratifiedKFold.Folds(labels, 10, 2018);

        foreach (byte label in new byte[] { 0, 1 })
        {
            var perFold = FoldCounts(labels, folds, label);
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {label}: {string.Join(",", perFold)}");
        }
    }

    [Fact]
    public void EveryClassSmallerThanTheFoldCountIsRejected()
    {
        var labels = ReferenceLabels.Of(15, i => i % 2);

        var error = Assert.Throws<ArgumentException>(() => StratifiedKFold.Folds(labels, 10, 2018));

        Assert.Contains("every class has fewer rows than that (counts: 8, 7)", error.Message);
    }

    [Fact]
    public void MoreFoldsThanRowsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => StratifiedKFold.Folds(new byte[5], 10, 2018));

        Assert.Contains("Cannot split 5 rows into 10 folds", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(257)]
    public void FoldCountsOutsideTwoTo256AreRejected(int folds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedKFold.Folds(new byte[300], folds, 2018));
    }

    [Fact]
    public void NegativeSeedsAreRejectedAsNumpyRejectsThem()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedKFold.Folds(new byte[30], 10, -1));
    }

    private static int[] FoldCounts(byte[] labels, byte[] folds, byte label)
    {
        var counts = new int[folds.Max() + 1];
        for (int row = 0; row < labels.Length; row++)
            if (labels[row] == label) counts[folds[row]]++;
        return counts;
    }
}

/// <summary>The label vectors of <see cref="ScikitLearnFolds"/>, written as its snippet writes them.</summary>
internal static class ReferenceLabels
{
    /// <summary>Knuth's multiplicative hash, upper 16 bits: the snippet's <c>h(i)</c>.</summary>
    public static int Hash(int i) => (int)(unchecked((uint)i * 2654435761u) >> 16);

    public static byte[] Of(int rows, Func<int, int> label) => Enumerable.Range(0, rows).Select(i => (byte)label(i)).ToArray();
}
