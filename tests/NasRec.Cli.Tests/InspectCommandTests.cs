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
    public void ADatasetIsNeitherAnArchitectureNorASpace()
    {
        var (exitCode, _, error) = CliRunner.Run("inspect", Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml"), "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("is a Dataset, not an Architecture or a SearchSpace", error);
    }

    [Fact]
    public void ASpaceGivesItsSupernetOverTheDatasetAsJson()
    {
        var (exitCode, output, error) = CliRunner.Run("inspect", FullSpace, "--dataset", "Criteo", "--json", "--spaces", Repository.Spaces);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("NasRecFull", "Criteo", true), (report.GetProperty("space").GetString(), report.GetProperty("dataset").GetString(), report.GetProperty("layerNorm").GetBoolean()));
        Assert.Equal(171_529_127, report.GetProperty("nonEmbeddingParams").GetInt64());
        Assert.Equal(178.003727, report.GetProperty("mflops").GetDouble(), 1e-9);
        Assert.Equal(2176, report.GetProperty("headInput").GetInt32());
        var blocks = report.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal([13, 1037, 2061, 3085, 4109, 5133, 6157], blocks.Select(b => b.GetProperty("denseIn").GetInt32()));
        Assert.Equal([26, 98, 170, 242, 314, 386, 458], blocks.Select(b => b.GetProperty("tokensIn").GetInt32()));
    }

    [Fact]
    public void ASpaceTakesItsDatasetFromAFileAndLayerNormFromTheOption()
    {
        var dataset = Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml");

        var (exitCode, output, _) = CliRunner.Run("inspect", Path.Combine(Repository.Spaces, "nasrec-small.space.yaml"),
            "--dataset", dataset, "--layer-norm", "false", "--spaces", Repository.Spaces);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("Supernet of NasRecSmall over Criteo, layer norm off\n", output);
        Assert.Matches(@"\n\s+6\s+6157\s+458\s+[0-9.]+\s+[0-9,]+\n", output);
        Assert.Matches(@"head input\s+2176\n", output);
        Assert.Matches(@"non-embedding params\s+31,119,970\n", output);
    }

    [Fact]
    public void ASpaceWithoutADatasetIsAnError()
    {
        var (exitCode, output, error) = CliRunner.Run("inspect", FullSpace, "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal("error: Inspecting a search space needs --dataset <name|file>: the supernet's input widths are the dataset's\n", error);
    }

    [Fact]
    public void AnUnknownDatasetNamesTheKnownOnes()
    {
        var (exitCode, _, error) = CliRunner.Run("inspect", FullSpace, "--dataset", "Movielens", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown dataset 'Movielens' (known in ", error);
        Assert.Contains("Criteo", error);
    }

    [Fact]
    public void AnArchitectureRefusesTheSupernetOptions()
    {
        var (exitCode, _, error) = CliRunner.Run("inspect", Repository.CriteoFull, "--dataset", "Criteo", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("--dataset and --layer-norm apply to a search space", error);
    }

    private static string FullSpace => Path.Combine(Repository.Spaces, "nasrec-full.space.yaml");
}
