using System.Text.Json.Nodes;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec rerank</c> on a small Criteo-layout store.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class RerankCommandTests : IDisposable
{
    private readonly TinyCriteoWorkspace workspace = new(rows: 800);

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void RerankTrainsASearchsBestArchitecturesOnceEachAndRanksThemByValidationLogloss()
    {
        // Three journal lines, two architectures: TinySmall's better score counts, and --top 2 takes both.
        string Line(string hash, double loss, string name, string file) => new JsonObject
        {
            ["index"] = 0, ["generation"] = -1, ["hash"] = hash, ["valLogloss"] = loss, ["valAuc"] = 0.7, ["valAccuracy"] = 0.7,
            ["mflops"] = 1.0, ["params"] = 10, ["parent"] = null, ["architecture"] = TinyCriteoWorkspace.Architecture(name, file),
        }.ToJsonString();
        Directory.CreateDirectory(workspace.File("search"));
        File.WriteAllLines(workspace.File(Path.Combine("search", "journal.jsonl")),
            [Line("01", 0.47, "TinySmall", "nasrecnet-small"), Line("10", 0.46, "TinyFull", "nasrecnet-full"), Line("01", 0.45, "TinySmall", "nasrecnet-small")]);

        var (exitCode, output, error) = CliRunner.Run("rerank", "--search", workspace.File("search"), "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--top", "2", "--batch", "16", "--steps", "10", "--output", workspace.File("rerank"), "--json");

        Assert.True(exitCode == 0, error);
        var result = JsonNode.Parse(output)!;
        Assert.Equal(result.ToJsonString(), JsonNode.Parse(File.ReadAllText(workspace.File(Path.Combine("rerank", "ranking.json"))))!.ToJsonString());
        var ranking = result["ranking"]!.AsArray();
        Assert.Equal(["TinyFull", "TinySmall"], ranking.Select(r => (string)r!["architecture"]!).Order());
        Assert.Equal([1, 2], ranking.Select(r => (int)r!["rank"]!));
        Assert.True((double)ranking[0]!["valLogloss"]! <= (double)ranking[1]!["valLogloss"]!);
        var small = ranking.Single(r => (string)r!["architecture"]! == "TinySmall")!;
        Assert.Equal(0.45, (double)small["searchValLogloss"]!);
        Assert.Equal(Path.Combine(workspace.File("rerank"), "01-TinySmall"), (string)small["runFolder"]!);
        Assert.True(File.Exists(Path.Combine((string)small["runFolder"]!, "best.ckpt")));
        Assert.Contains("[2/2] TinyFull", error);
    }

    [Fact]
    public void RerankTrainsAFolderOfArchitecturesInNameOrderUpToTop()
    {
        var (exitCode, output, error) = CliRunner.Run("rerank", "--archs", workspace.Archs, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--top", "1", "--batch", "16", "--steps", "5", "--output", workspace.File("rerank"));

        Assert.True(exitCode == 0, error);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"(?m)^   1  TinyFull\s+-\s+\d+\.\d{5}\s+\d\.\d{5}$"), output);
        Assert.DoesNotContain("TinySmall", output);
    }

    [Fact]
    public void ResumedRerankKeepsWhatItTrainedAndEndsWithTheUninterruptedRanking()
    {
        var folder = workspace.File("rerank");
        string scores = Path.Combine(folder, "scores.jsonl"), ranking = Path.Combine(folder, "ranking.json");
        string first = Path.Combine(folder, "nasrecnet-full-TinyFull"), second = Path.Combine(folder, "nasrecnet-small-TinySmall");
        var uninterrupted = CliRunner.Run("rerank", "--archs", workspace.Archs, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--top", "2", "--batch", "16", "--steps", "5", "--output", folder);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Error);
        var (lines, expected) = (File.ReadAllLines(scores), File.ReadAllText(ranking));
        // As if killed while writing the second candidate's line: that line torn, its run folder written, no ranking yet.
        File.WriteAllText(scores, lines[0] + "\n" + lines[1][..20]);
        File.Delete(ranking);
        File.WriteAllText(Path.Combine(first, "kept"), "");
        File.WriteAllText(Path.Combine(second, "stale"), "");

        var (exitCode, _, error) = CliRunner.Run("rerank", "--resume", folder);

        Assert.True(exitCode == 0, error);
        Assert.Contains("[1/2] TinyFull: trained before, kept", error);
        Assert.Contains("[2/2] TinySmall: training from scratch", error);
        Assert.True(File.Exists(Path.Combine(first, "kept")));
        Assert.False(File.Exists(Path.Combine(second, "stale")));
        Assert.Equal(lines, File.ReadAllLines(scores));
        Assert.Equal(expected, File.ReadAllText(ranking));
    }

    [Fact]
    public void RerankResumesOnlyARerankFolder()
    {
        var (exitCode, _, error) = CliRunner.Run("rerank", "--resume", workspace.Archs);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {workspace.Archs} is not a rerank folder (no settings.json)\n", error.Replace("\r", ""));
    }

    [Fact]
    public void RerankNeedsASearchOrAFolder()
    {
        var (exitCode, _, error) = CliRunner.Run("rerank", "--data", workspace.Store);

        Assert.Equal(1, exitCode);
        Assert.Equal("error: give one of --search <dir> or --archs <dir>\n", error.Replace("\r", ""));
    }

    [Fact]
    public void RerankOfAFolderThatIsNoSearchIsOneLineAndWritesNothing()
    {
        var (exitCode, _, error) = CliRunner.Run("rerank", "--search", workspace.Archs, "--data", workspace.Store, "--output", workspace.File("rerank-none"));

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {workspace.Archs} is not a search folder: it has no journal.jsonl\n", error.Replace("\r", ""));
        Assert.False(Directory.Exists(workspace.File("rerank-none")));
    }
}
