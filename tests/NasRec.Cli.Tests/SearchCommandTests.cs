using System.CommandLine;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using NasRec.Cli.Commands;
using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;

namespace NasRec.Cli.Tests;

[Collection(nameof(GlobalGeneratorCollection))]
public sealed class SearchCommandTests : IDisposable
{
    private static readonly string[] SmallEvolution = ["--population", "8", "--tournament", "4", "--children", "2", "--generations", "3", "--seed", "5"];

    private readonly TempFolder temp = new();
    private readonly string supernet;
    private readonly string store;

    public SearchCommandTests()
    {
        supernet = temp.File("supernet.ckpt");
        File.WriteAllText(supernet, "");
        store = Directory.CreateDirectory(temp.File("store")).FullName;
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void SearchWritesItsFolderAndPrintsTheJsonSummary()
    {
        var (exit, output, error) = Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), "--json", .. SmallEvolution]);

        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(8 + 3 * 2, json["candidates"]!.GetValue<int>());
        Assert.True(json["bestValLogloss"]!.GetValue<double>() <= json["initialMedianValLogloss"]!.GetValue<double>());
        Assert.Contains("kind: Architecture", json["bestArchitecture"]!.GetValue<string>());
        Assert.Equal(temp.File("s"), json["output"]!.GetValue<string>());
        Assert.Equal(14, File.ReadAllLines(temp.File("s/journal.jsonl")).Length);
        var summary = JsonNode.Parse(File.ReadAllText(temp.File("s/summary.json")))!;
        Assert.Equal(json["bestValLogloss"]!.GetValue<double>(), summary["best"]!["valLogloss"]!.GetValue<double>());
        Assert.Equal(6, summary["history"]!.AsArray().Count);
        Assert.NotEmpty(summary["front"]!.AsArray());
        Assert.Equal(5, summary["seed"]!.GetValue<int>());
        Assert.Equal(0, summary["overBudgetRejected"]!.GetValue<int>());
        var settings = JsonNode.Parse(File.ReadAllText(temp.File("s/settings.json")))!;
        Assert.Equal("evolution", settings["method"]!.GetValue<string>());
        Assert.Equal(Path.GetFullPath(supernet), settings["supernet"]!.GetValue<string>());
        Assert.Equal(store, settings["data"]!.GetValue<string>());
        Assert.Equal(500, settings["fineTune"]!["steps"]!.GetValue<int>());
    }

    [Fact]
    public void ResumedSearchEndsWithTheUninterruptedJournalAndSummary()
    {
        Assert.Equal(0, Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("a"), "--quiet", .. SmallEvolution]).ExitCode);
        Assert.Equal(0, Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("b"), "--quiet", .. SmallEvolution]).ExitCode);
        // As if killed while writing line 6: five whole lines and a torn one, no summary yet.
        var lines = File.ReadAllLines(temp.File("b/journal.jsonl"));
        File.WriteAllText(temp.File("b/journal.jsonl"), string.Concat(lines.Take(5).Select(l => l + "\n")) + lines[5][..30]);
        File.Delete(temp.File("b/summary.json"));

        var (exit, output, error) = Run(["search", "--resume", temp.File("b"), "--workers", "3"]);

        Assert.True(exit == 0, error);
        Assert.Contains("9 evaluated now, 5 replayed", output);
        Assert.Equal(File.ReadAllText(temp.File("a/journal.jsonl")), File.ReadAllText(temp.File("b/journal.jsonl")));
        Assert.Equal(File.ReadAllText(temp.File("a/summary.json")), File.ReadAllText(temp.File("b/summary.json")));
    }

    [Fact]
    public void SearchRefusesToOverwriteAnotherSearch()
    {
        Assert.Equal(0, Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), "--quiet", .. SmallEvolution]).ExitCode);

        var (exit, _, error) = Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), .. SmallEvolution]);

        Assert.Equal(1, exit);
        Assert.Contains("already holds a search", error);
    }

    [Fact]
    public void ASearchThatFailsToStartLeavesNoFolder()
    {
        // The real command: its supernet evaluation opens the store, which this folder is not.
        var (exit, _, error) = CliRunner.Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), .. SmallEvolution]);

        Assert.Equal(1, exit);
        Assert.Contains("not a prepared store", error);
        Assert.False(Directory.Exists(temp.File("s")));
    }

    [Theory]
    [InlineData("--tournament", "9", "tournament")]
    [InlineData("--workers", "0", "--workers")]
    [InlineData("--method", "list", "--archs")]
    [InlineData("--max-mflops", "-1", "budgets must be above 0")]
    [InlineData("--max-params", "0", "budgets must be above 0")]
    [InlineData("--finetune-lr", "0", "--finetune-lr must be above 0")]
    public void BadSettingsAreOneLineErrors(string option, string value, string mentioned)
    {
        var (exit, _, error) = Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), .. SmallEvolution, option, value]);

        Assert.Equal(1, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(mentioned, error);
    }

    [Fact]
    public void ListSearchScoresTheGivenFiles()
    {
        var (exit, output, error) = Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), "--method", "list",
            "--archs", Repository.CriteoFull, "--spaces", Repository.Spaces, "--json", "--finetune-steps", "7"]);

        Assert.True(exit == 0, error);
        Assert.Equal(1, JsonNode.Parse(output)!["candidates"]!.GetValue<int>());
        var entry = JsonNode.Parse(File.ReadLines(temp.File("s/journal.jsonl")).Single())!;
        Assert.Equal(1.4662, entry["mflops"]!.GetValue<double>(), 4);
        Assert.Equal(7, JsonNode.Parse(File.ReadAllText(temp.File("s/settings.json")))!["fineTune"]!["steps"]!.GetValue<int>());
    }

    [Fact]
    public void ExportWritesTheBestDistinctArchitecturesThatValidate()
    {
        Assert.Equal(0, Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), "--quiet", .. SmallEvolution]).ExitCode);

        var (exit, output, error) = Run(["export", "--search", temp.File("s"), "--top", "3", "--output-dir", temp.File("out"), "--spaces", Repository.Spaces]);

        Assert.True(exit == 0, error);
        var files = Directory.GetFiles(temp.File("out"), "*.arch.yaml").Order().ToList();
        Assert.Equal(["CriteoNasRecFullSearch1.arch.yaml", "CriteoNasRecFullSearch2.arch.yaml", "CriteoNasRecFullSearch3.arch.yaml"], files.Select(Path.GetFileName));
        var workspace = Workspace.LoadDirectory(Repository.Spaces);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // Dead blocks are warned about (NASREC100), as in the released models; nothing is an error.
            Assert.DoesNotContain(workspace.With(file, text).DiagnosticsOf(file), d => d.IsError);
            Assert.Contains("# Search score: val logloss ", text);
            Assert.Contains(" MFLOPs; ", text);
            Assert.Contains("# Hash (the reference's token encoding): ", text);
        }
        var losses = output.Trim().Split('\n').Select(line => double.Parse(line.Split("val logloss ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(losses.Order(), losses);
        Assert.Equal(3, losses.Distinct().Count());
    }

    [Fact]
    public void AResumedSearchRefusesRowsWhoseFingerprintIsNotTheOneItStartedOn()
    {
        Assert.Equal(0, Run(["search", "--supernet", supernet, "--data", store, "-o", temp.File("s"), "--quiet", .. SmallEvolution], "aaaaaaaaaaaa0001").ExitCode);

        var other = Run(["search", "--resume", temp.File("s")], "bbbbbbbbbbbb0002");
        var same = Run(["search", "--resume", temp.File("s"), "--quiet"], "aaaaaaaaaaaa0001");

        Assert.Equal(1, other.ExitCode);
        Assert.Contains("searched other rows than its store holds now (fingerprint aaaaaaaaaaaa, not bbbbbbbbbbbb)", other.Error);
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Equal("aaaaaaaaaaaa0001", (string)JsonNode.Parse(File.ReadAllText(temp.File("s/settings.json")))!["dataFingerprint"]!);
    }

    /// <param name="fingerprint">What the evaluation says its rows are.</param>
    private static (int ExitCode, string Output, string Error) Run(string[] args, string? fingerprint = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { SearchCommand.Create(_ => new ClosedFormEvaluation(fingerprint)), ExportCommand.Create() };
        int exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>NASRec-Full over Criteo scored by a closed form of the choice: no supernet, no training.</summary>
    private sealed class ClosedFormEvaluation(string? fingerprint) : ICandidateEvaluation, ICandidateEvaluator
    {
        private static readonly Lazy<Workspace> Shipped = new(() => Workspace.LoadDirectory(Repository.Spaces));

        public string? DataFingerprint => fingerprint;

        public SearchSpace Space => Shipped.Value.Catalog.Space("NasRecFull")!;

        public DatasetSchema Dataset => Shipped.Value.Catalog.Dataset("Criteo")!;

        public ICandidateEvaluator CreateEvaluator() => this;

        public CandidateScore Evaluate(SubnetChoice choice, CancellationToken cancel)
        {
            var genes = Encoding.UTF8.GetBytes(string.Join(";", choice.Blocks.Select(b => b.ToString())));
            double loss = 0.46 - choice.Blocks.Sum(b => b.DenseWidth) / 1e6 + 0.005 * (XxHash64.HashToUInt64(genes) / (double)ulong.MaxValue);
            return new CandidateScore(loss, 1 - loss, 0.8);
        }

        public void Dispose()
        {
        }
    }
}
