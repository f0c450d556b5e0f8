using NasRec.Dsl.Analysis;

namespace NasRec.Dsl.Tests.Analysis;

/// <summary>The supernets of the shipped spaces against the reference's figures (spec §2.5).</summary>
public sealed class SupernetAnalyzerTests
{
    [Theory]
    [InlineData("NasRecFull", 171_529_127)]
    [InlineData("NasRecSmall", 31_143_245)]
    public void CriteoSupernetsWithLayerNormHoldTheReferencesNonEmbeddingParameters(string space, long parameters)
    {
        Assert.Equal(parameters, Analyze(space, "Criteo", layerNorm: true).NonEmbeddingParameters);
    }

    [Fact]
    public void CriteoBlocksSeeEveryEarlierOutputAtFullWidth()
    {
        var report = Analyze("NasRecFull", "Criteo", layerNorm: true);

        Assert.Equal([13, 1037, 2061, 3085, 4109, 5133, 6157], report.Blocks.Select(b => b.DenseIn));
        Assert.Equal([26, 98, 170, 242, 314, 386, 458], report.Blocks.Select(b => b.TokensIn));
        Assert.Equal(2176, report.HeadInput);
    }

    /// <summary>
    /// Spec §2.5 says "about 178 MFLOPs". Spec §8.2's rule applied to every operator at d = 1024,
    /// s = 64 on the zero-padded inputs (fvcore counts shapes, not values) gives 178,003,727: dot-product
    /// balances to round(√2048) = 45 tokens, sum and gating project from the dense-input width, the FM and
    /// the merger project in every block, and the head reads 2176 values.
    /// </summary>
    [Fact]
    public void CriteoFullPathForwardCostsAbout178MegaFlops()
    {
        Assert.Equal(178_003_727, Analyze("NasRecFull", "Criteo", layerNorm: true).Flops);
    }

    [Fact]
    public void LayerNormOffGivesTheMainLinearsBiasesAndDropsTheirNorms()
    {
        var on = Analyze("NasRecSmall", "Criteo", layerNorm: true);
        var off = Analyze("NasRecSmall", "Criteo", layerNorm: false);

        // Per block: fc 1024 (norm 2048 -> bias 1024), efc 64 (128 -> 64), dot-product's three linears
        // (16 + 45 + 1024 outputs), FM 1024 and merger 128; their norms hold twice their widths.
        long normsMinusBiases = 7 * (1024 + 64 + 16 + 45 + 1024 + 1024 + 128);
        Assert.Equal(on.NonEmbeddingParameters - normsMinusBiases, off.NonEmbeddingParameters);
        Assert.Equal(on.Blocks.Select(b => b.DenseIn), off.Blocks.Select(b => b.DenseIn));
    }

    [Fact]
    public void LayerNormDefaultsToTheSpaces()
    {
        Assert.True(Analyze("NasRecFull", "Avazu", layerNorm: null).LayerNorm);
    }

    private static SupernetReport Analyze(string space, string dataset, bool? layerNorm) =>
        SupernetAnalyzer.Analyze(Repository.Shipped.Catalog.Space(space)!, Repository.Shipped.Catalog.Dataset(dataset)!, layerNorm);
}
