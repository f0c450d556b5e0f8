using NasRec.Runtime.Data.Splitting;

namespace NasRec.Runtime.Tests.Data.Splitting;

/// <summary>Expected values from numpy 1.24's legacy RandomState (the snippet beside each).</summary>
public sealed class LegacyMersenneTwisterTests
{
    [Fact]
    public void RawOutputsEqualNumpysRandomStateForTheSameSeed()
    {
        // np.random.RandomState(2018)._bit_generator.random_raw(6)
        uint[] expected = [3789661434, 3977046630, 448084194, 4050209545, 3895575445, 83139740];
        var random = new LegacyMersenneTwister(2018);

        Assert.Equal(expected, Enumerable.Range(0, 6).Select(_ => random.NextUInt32()));
    }

    [Fact]
    public void OutputsAfterTheStateIsRegeneratedStillAgree()
    {
        // rs = np.random.RandomState(2018); rs._bit_generator.random_raw(1000); rs._bit_generator.random_raw(2)
        var random = new LegacyMersenneTwister(2018);
        for (int i = 0; i < 1000; i++) random.NextUInt32();

        Assert.Equal(3187131137u, random.NextUInt32());
        Assert.Equal(3938653039u, random.NextUInt32());
    }

    [Fact]
    public void TheReferenceGeneratorsFirstOutputForTheDefaultSeedIsMatsumotosValue()
    {
        Assert.Equal(3499211612u, new LegacyMersenneTwister(5489).NextUInt32());
    }

    [Fact]
    public void BoundedIntegersEqualNumpysMaskedRejection()
    {
        // np.random.RandomState(42).randint(0, 7, size=20)
        uint[] expected = [6, 3, 4, 6, 2, 4, 4, 6, 1, 2, 6, 2, 2, 4, 3, 2, 5, 4, 1, 3];
        var random = new LegacyMersenneTwister(42);

        Assert.Equal(expected, Enumerable.Range(0, 20).Select(_ => random.NextInclusive(6)));
    }

    [Fact]
    public void ShuffleEqualsNumpysShuffle()
    {
        // rs = np.random.RandomState(2018); a = np.arange(40); rs.shuffle(a)
        int[] expected = [16, 39, 3, 27, 35, 19, 5, 12, 18, 2, 30, 1, 26, 4, 37, 14, 7, 8, 36, 13,
                          24, 0, 17, 10, 33, 22, 31, 29, 15, 11, 23, 32, 25, 6, 20, 28, 21, 9, 34, 38];
        var values = Enumerable.Range(0, 40).ToArray();

        new LegacyMersenneTwister(2018).Shuffle(values.AsSpan());

        Assert.Equal(expected, values);
    }
}
