using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NasRec.EndToEnd.Tests;

/// <summary><c>nasrec search</c>, <c>export</c> and a build of the exported architecture, each a real process as a user runs them.</summary>
public sealed class SearchEndToEndTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    [Fact]
    public void SearchKilledAfterSomeCandidatesAndResumedEndsWithTheUninterruptedJournalAndSummary()
    {
        var killed = fixture.PathOf("killed");
        var journal = Path.Combine(killed, "journal.jsonl");
        int linesAtKill;
        using (var search = NasrecCli.Start(["search", "--supernet", fixture.Supernet, "--data", fixture.Store, "--output", killed, "--quiet", .. SearchFixture.Evolution]))
        {
            while (JournalLines(journal) < 2 && !search.HasExited) Thread.Sleep(10);
            search.Kill(entireProcessTree: true);
            search.WaitForExit();
            linesAtKill = JournalLines(journal);
        }
        Assert.InRange(linesAtKill, 2, SearchFixture.Candidates - 1);
        Assert.False(File.Exists(Path.Combine(killed, "summary.json")));

        SearchFixture.Succeed(NasrecCli.Run("search", "--resume", killed, "--quiet"));

        // Byte for byte: neither file holds a time or a path.
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.Search, "journal.jsonl")), File.ReadAllText(journal));
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.Search, "summary.json")), File.ReadAllText(Path.Combine(killed, "summary.json")));
    }

    [Fact]
    public void AResumedSearchRefusesItsStoreOnceItHoldsOtherRowsAndGoesOnWithTheRowsItStartedOn()
    {
        var moved = fixture.PathOf("moved");
        Directory.CreateDirectory(moved);
        foreach (var file in Directory.GetFiles(fixture.Search).Where(f => Path.GetFileName(f) != "summary.json")) File.Copy(file, Path.Combine(moved, Path.GetFileName(file)));
        var settingsFile = Path.Combine(moved, "settings.json");
        var settings = JsonNode.Parse(File.ReadAllText(settingsFile))!;
        Assert.Matches("^[0-9a-f]{64}$", (string)settings["dataFingerprint"]!);
        // The recorded store prepared again from fewer of the same rows: what a resume would otherwise score the rest on.
        File.WriteAllLines(fixture.PathOf("fewer.tsv"), File.ReadLines(fixture.PathOf("clicks.tsv")).Take(2000));
        SearchFixture.Succeed(NasrecCli.Run("data", "prepare", "--dataset", Path.Combine(fixture.Spaces, "tiny.dataset.yaml"), "--input", fixture.PathOf("fewer.tsv"),
            "--output", fixture.PathOf("fewer")));
        settings["data"] = fixture.PathOf("fewer");
        File.WriteAllText(settingsFile, settings.ToJsonString());

        var (exitCode, _, error) = NasrecCli.Run("search", "--resume", moved, "--quiet");

        Assert.Equal(1, exitCode);
        Assert.Contains("searched other rows than its store holds now", error);
        Assert.False(File.Exists(Path.Combine(moved, "summary.json")));
        settings["data"] = fixture.Store;
        File.WriteAllText(settingsFile, settings.ToJsonString());
        SearchFixture.Succeed(NasrecCli.Run("search", "--resume", moved, "--quiet"));
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.Search, "summary.json")), File.ReadAllText(Path.Combine(moved, "summary.json")));
    }

    [Fact]
    public void ExportedArchitectureBuildsWithoutWarningsButDeadBlocksIntoATypedClassThatTrainsAndHasTheSearchedParameterCount()
    {
        var exported = fixture.PathOf("exported");
        var export = JsonNode.Parse(SearchFixture.Succeed(NasrecCli.Run("export", "--search", fixture.Search, "--top", "3", "--output-dir", exported,
            "--spaces", fixture.Spaces, "--name", "Found", "--json")))!.AsArray();
        Assert.Equal(3, export.Count);
        var hash = (string)export[0]!["hash"]!;
        var searched = File.ReadLines(Path.Combine(fixture.Search, "journal.jsonl")).Select(l => JsonNode.Parse(l)!).First(e => (string)e["hash"]! == hash);

        var project = ConsumerProject.Create(fixture.PathOf("consumer"), fixture.Spaces, Path.Combine(exported, "Found1.arch.yaml"), "Found1");
        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        // A searched architecture may hold dead blocks, as the released models do: the generator prunes them with NASREC100, and warns of nothing else.
        Assert.All(build.Output.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)), line => Assert.Contains("warning NASREC100: Block ", line));
        var run = project.Run();

        Assert.True(run.ExitCode == 0, run.Output);
        var parameters = Regex.Match(run.Output, @"parameters (\d+) \(generated constant (\d+)\)");
        Assert.True(parameters.Success, run.Output);
        Assert.Equal((long)searched["params"]!, long.Parse(parameters.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal((long)searched["params"]!, long.Parse(parameters.Groups[2].Value, CultureInfo.InvariantCulture));
        var loss = Regex.Match(run.Output, @"training loss (\S+) -> (\S+)");
        Assert.True(loss.Success, run.Output);
        double first = double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture), last = double.Parse(loss.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(last) && last < first, run.Output);
    }

    /// <summary>The whole lines of a journal being written (a torn last line is not counted).</summary>
    private static int JournalLines(string journal)
    {
        if (!File.Exists(journal)) return 0;
        using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        int lines = 0;
        for (int b = stream.ReadByte(); b >= 0; b = stream.ReadByte()) if (b == '\n') lines++;
        return lines;
    }
}
