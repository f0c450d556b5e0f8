using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NasRec.Cli.Quickstart;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec quickstart</c> end to end, shrunk to a few thousand rows and a handful of candidates.</summary>
public sealed class QuickstartCommandTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void QuickstartRunsTheWholeFlowAndPrintsTheTableAsJsonWithItsReportFolder()
    {
        var result = CliRunner.Run("quickstart", "--output", temp.File("quickstart"), "--rows", "2000", "--scale", "0.1", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonNode.Parse(result.Output)!.AsObject();
        foreach (var key in new[] { "testLogloss", "testAuc", "mflops", "bayesLogloss", "baseRateLogloss", "randomMedianTestLogloss", "logisticTestLogloss" })
            Assert.True(double.IsFinite((double)json[key]!), key);
        Assert.True((double)json["bayesLogloss"]! < (double)json["baseRateLogloss"]!);
        Assert.Equal(temp.File(Path.Combine("quickstart", "found.arch.yaml")), (string)json["archPath"]!);
        var found = File.ReadAllText((string)json["archPath"]!);
        Assert.Contains("kind: Architecture", found);
        // The schema line names a file that is there, for the editor's language server.
        var schema = SchemaPath(found);
        Assert.True(File.Exists(Path.Combine(temp.File("quickstart"), schema)), schema);

        var report = (string)json["reportDir"]!;
        foreach (var file in new[] { "report.md", "search-progress.png", "logloss-mflops.png", "supernet-training.png", "winner-training.png", "winner.arch.yaml" })
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        Assert.Contains("| logistic regression |", File.ReadAllText(Path.Combine(report, "report.md")));
        var winnerSchema = SchemaPath(File.ReadAllText(Path.Combine(report, "winner.arch.yaml")));
        Assert.True(File.Exists(Path.Combine(report, winnerSchema)), winnerSchema);
        Assert.Contains("Quickstart into", result.Error); // the scaled-down settings, on the error stream with --json
    }

    [Fact]
    public void ScalingKeepsASearchTheEvolutionCanRunAndScalesUpToTheReferencesPopulation()
    {
        var tiny = QuickstartSettings.Default.Scaled(0.01);
        Assert.True(tiny.Population >= 2 && tiny.Tournament >= 1 && tiny.Tournament <= tiny.Population && tiny.Children >= 1 && tiny.Generations >= 1);

        var large = QuickstartSettings.Default.Scaled(8);
        Assert.Equal(QuickstartSettings.Default.Rows * 8, large.Rows);
        Assert.Equal(128, large.Population);
        Assert.Equal(QuickstartSettings.Default.FineTuneSteps * 8, large.FineTuneSteps);
    }

    [Fact]
    public void QuickstartRefusesAnOutputFolderThatAlreadyHoldsFiles()
    {
        Directory.CreateDirectory(temp.File("used"));
        File.WriteAllText(temp.File(Path.Combine("used", "keep.txt")), "mine");

        var result = CliRunner.Run("quickstart", "--output", temp.File("used"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already holds files", result.Error);
    }

    /// <summary>The schema path a YAML document's language-server line names.</summary>
    private static string SchemaPath(string yaml) => Regex.Match(yaml, @"\$schema=(\S+)").Groups[1].Value;
}
