using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Tests;

/// <summary>The six released NASRecNet models against the numbers measured on the reference (spec §8.2, Appendix A).</summary>
public sealed class ReleasedModelTests
{
    /// <summary>Measured on the reference's own modules (LN off, dead blocks included).</summary>
    private sealed record Measured(double MegaFlops, long NonEmbeddingParameters, string DeadBlocks);

    private static readonly Dictionary<string, Measured> Reference = new()
    {
        ["CriteoNasRecNetSmall"] = new(2.2078, 1_779_720, "5"),
        ["CriteoNasRecNetFull"] = new(1.4662, 2_217_268, "3,4,5"),
        ["AvazuNasRecNetSmall"] = new(3.0856, 2_838_609, ""),
        ["AvazuNasRecNetFull"] = new(1.8771, 3_179_072, "3,4,5"),
        ["KddNasRecNetSmall"] = new(3.4828, 2_606_511, ""),
        ["KddNasRecNetFull"] = new(1.1002, 438_461, "5"),
    };

    public static TheoryData<string> Models => new(Reference.Keys);

    [Fact]
    public void ShippedDocumentsHaveNoErrors()
    {
        Assert.DoesNotContain(Repository.Shipped.Diagnostics, d => d.IsError);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FlopsPerSampleMatchTheReferenceWithinATenthOfAPercent(string name)
    {
        double measured = Reference[name].MegaFlops;

        Assert.InRange(Analyze(name).MegaFlops, measured * 0.999, measured * 1.001);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void NonEmbeddingParametersEqualWhatTheReferenceModuleHolds(string name)
    {
        Assert.Equal(Reference[name].NonEmbeddingParameters, Analyze(name).NonEmbeddingParameters);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void DeadBlocksAreThoseOfAppendixA(string name)
    {
        Assert.Equal(Reference[name].DeadBlocks, string.Join(",", Analyze(name).DeadBlocks));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void DeadBlocksAreReportedAsWarnings(string name)
    {
        var file = Repository.Shipped.Files.Single(f => f.Name == name).File;
        var warned = Repository.Shipped.DiagnosticsOf(file).Where(d => d.Rule.Id == "NASREC100").Select(d => d.Message);

        Assert.Equal(Reference[name].DeadBlocks.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => $"Block {b} is dead"),
            warned.Select(m => m[..m.IndexOf(':')]));
    }

    [Theory]
    [InlineData("Criteo", 540_201_616L, 49_109_072L)]
    [InlineData("Avazu", 151_351_472L, 16_697_136L)]
    [InlineData("Kdd", 810_669_648L, 48_658_144L)]
    public void EmbeddingParametersMatchFullAndCappedTables(string dataset, long full, long capped)
    {
        var report = Analyze(dataset + "NasRecNetFull");

        Assert.Equal(full, report.EmbeddingParameters);
        Assert.Equal(capped, report.SearchEmbeddingParameters);
    }

    [Fact]
    public void CriteoFullShapesFollowSection43()
    {
        var report = Analyze("CriteoNasRecNetFull");

        Assert.Equal(new[] { 128, 32, 768, 768, 16, 768, 128 }, report.Blocks.Select(b => b.DenseOut));
        Assert.Equal(new[] { 72, 64, 32, 56, 16, 24, 48 }, report.Blocks.Select(b => b.TokensOut));
        Assert.Equal(new[] { 26, 26, 162, 194, 194, 128, 104 }, report.Blocks.Select(b => b.TokensIn));
        Assert.Equal(new[] { 0, 13, 160, 0, 1581, 1565, 813 }, report.Blocks.Select(b => b.DenseInWidth));
        Assert.Equal(39, report.Blocks[2].DotProductTokens);
        Assert.Equal(896, report.HeadInput);
    }

    [Fact]
    public void LiveParametersLeaveOutDeadBlocks()
    {
        var report = Analyze("CriteoNasRecNetFull");

        long dead = report.Blocks.Where(b => b.Dead).Sum(b => b.Parameters);
        Assert.True(dead > 0);
        Assert.True(report.LiveNonEmbeddingParameters <= report.NonEmbeddingParameters - dead);
    }

    internal static ArchitectureReport Analyze(string name)
    {
        var workspace = Repository.Shipped;
        var architecture = workspace.Architectures.Single(a => a.Name == name);
        return ArchitectureAnalyzer.Analyze(architecture, workspace.Catalog.Space(architecture.Space)!, workspace.Catalog.Dataset(architecture.Dataset)!);
    }
}
