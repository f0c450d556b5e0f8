using System.Text.Json;

namespace NasRec.Cli.Tests;

public sealed class InspectCommandTests
{
    [Fact]
    public void JsonGivesTheReferenceFlopsAndDeadBlocks()
    {
        var (exitCode, output, error) = CliRunner.Run("inspect", Repository.CriteoFull, "--json", "--spaces", Repository.Spaces);

        Assert.Equal(0, exitCode);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal("CriteoNasRecNetFull", report.GetProperty("name").GetString());
        Assert.InRange(report.GetProperty("mflops").GetDouble(), 1.4662 * 0.999, 1.4662 * 1.001);
        Assert.Equal([3, 4, 5], report.GetProperty("deadBlocks").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal(2_217_268, report.GetProperty("nonEmbeddingParams").GetInt64());
        Assert.False(report.GetProperty("layerNorm").GetBoolean());
        Assert.Equal(896, report.GetProperty("headInput").GetInt32());
        var gating = report.GetProperty("blocks")[0];
        Assert.Equal(("sigmoid-gating", 13, 72, "DS"), (gating.GetProperty("denseOp").GetString(), gating.GetProperty("leftWidth").GetInt32(),
            gating.GetProperty("tokensOut").GetInt32(), gating.GetProperty("live").GetString()));
        Assert.Contains("warning NASREC100: Block 3 is dead", error);
    }

    [Fact]
    public void TableShowsEveryBlockAndTheTotals()
    {
        var (exitCode, output, _) = CliRunner.Run("inspect", Repository.CriteoFull, "--spaces", Repository.Spaces);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"\n\s+2  dot-product\s+768  \[1, 2\]\s+efc\s+32  \[0, 1, 2\]\s+0\s+1\s+160\s+162\s+768\s+32  DS\n", output);
        Assert.Matches(@"\n\s+3  sigmoid-gating\s+768  L2/R0 .* dead\n", output);
        Assert.Matches(@"MFLOPs per sample\s+1\.4662\n", output);
        Assert.Matches(@"non-embedding params\s+2,217,268 \(dead blocks included\)\n", output);
        Assert.Matches(@"embedding params\s+540,201,616\n", output);
        Assert.Matches(@"dead blocks\s+3, 4, 5\n", output);
    }

    [Fact]
    public void TheSpacesFolderIsFoundAboveTheCurrentDirectory()
    {
        // Tests run in the build output below the repository root, whose spaces folder is the nearest.
        var (exitCode, output, _) = CliRunner.Run("inspect", Repository.CriteoFull, "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal("NasRecFull", JsonDocument.Parse(output).RootElement.GetProperty("space").GetString());
    }

    [Fact]
    public void AWidthOutsideTheSpaceIsAnErrorAtItsLineAndColumn()
    {
        using var temp = new TempFolder();
        var path = temp.File("criteo-wrong.arch.yaml");
        var lines = File.ReadAllLines(Repository.CriteoFull);
        int line = Array.FindIndex(lines, l => l.Contains("width: 32,"));
        lines[line] = lines[line].Replace("width: 32,", "width: 100,");
        File.WriteAllLines(path, lines);

        var (exitCode, output, error) = CliRunner.Run("inspect", path, "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains($"{path}({line + 1},{lines[line].IndexOf("100") + 1}): error NASREC008: ", error);
    }

    [Fact]
    public void ADocumentOtherThanAnArchitectureIsAnError()
    {
        var (exitCode, _, error) = CliRunner.Run("inspect", Path.Combine(Repository.Spaces, "nasrec-full.space.yaml"), "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("is a SearchSpace, not an Architecture", error);
    }
}
