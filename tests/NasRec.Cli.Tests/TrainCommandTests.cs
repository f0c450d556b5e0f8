using System.Globalization;
using System.Text.Json.Nodes;
using NasRec.Cli.Commands;
using NasRec.Runtime.Checkpoints;
using static TorchSharp.torch;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec train</c>, <c>evaluate</c> and <c>export-weights</c> on a small store of a Criteo-layout dataset with small tables.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class TrainCommandTests : IDisposable
{
    private readonly TinyCriteoWorkspace workspace = new(rows: 800);

    private string SmallArchitecture => Path.Combine(workspace.Archs, "nasrecnet-small.arch.yaml");

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void TrainWritesTheRunFolderAndEvaluateAndExportReadItsCheckpoint()
    {
        // A small learning rate: at the default 0.10, twenty Adagrad steps of 16 rows end anywhere between 1 and 3 in
        // test logloss, as float rounding steers them.
        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("run"), "--batch", "16", "--steps", "20", "--eval-every", "5", "--lr", "0.01", "--json");

        Assert.Equal(0, train.ExitCode);
        var result = JsonNode.Parse(train.Output)!;
        Assert.StartsWith("interpreted subnet", (string)result["model"]!);
        Assert.Equal(20, (long)result["steps"]!);
        Assert.Equal(workspace.File(Path.Combine("run", "best.ckpt")), (string)result["checkpoint"]!);
        Assert.InRange((double)result["testLogloss"]!, 0.3, 1.5);
        Assert.InRange((double)result["testAuc"]!, 0, 1);
        Assert.True((double)result["testNe"]! > 0);
        Assert.True((double)result["samplesPerSecond"]! > 0);
        Assert.Contains((long)result["bestStep"]!, new long[] { 5, 10, 15, 20 });
        foreach (var file in new[] { "settings.json", "metrics.jsonl", "last.ckpt", "best.ckpt", "summary.json" })
            Assert.True(File.Exists(workspace.File(Path.Combine("run", file))), file);
        Assert.NotEmpty(Directory.GetFiles(workspace.File(Path.Combine("run", "tensorboard")), "events.out.tfevents.*", SearchOption.AllDirectories));
        // Progress goes to standard error as plain lines when it is not a terminal.
        Assert.Contains("step 20/20", train.Error);
        Assert.DoesNotContain('\u001b', train.Error);

        var evaluate = Run("evaluate", "--checkpoint", workspace.File(Path.Combine("run", "best.ckpt")), "--data", workspace.Store, "--json");
        Assert.Equal(0, evaluate.ExitCode);
        Assert.Equal((double)result["testLogloss"]!, (double)JsonNode.Parse(evaluate.Output)!["logloss"]!, 12);

        // --predictions: a row per test row, whose probabilities give the same logloss as the metrics.
        var predicted = Run("evaluate", "--checkpoint", workspace.File(Path.Combine("run", "best.ckpt")), "--data", workspace.Store,
            "--predictions", workspace.File("test.csv"), "--json");
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        var lines = File.ReadAllLines(workspace.File("test.csv"));
        Assert.Equal("label,probability", lines[0]);
        var rows = lines[1..].Select(line => line.Split(',')).Select(f => (Label: int.Parse(f[0], CultureInfo.InvariantCulture), P: double.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal((long)JsonNode.Parse(predicted.Output)!["count"]!, rows.Count);
        Assert.All(rows, row => Assert.InRange(row.P, 0, 1));
        Assert.Equal((double)result["testLogloss"]!, rows.Average(row => -Math.Log(row.Label == 1 ? row.P : 1 - row.P)), 5);

        var pt = Run("export-weights", workspace.File(Path.Combine("run", "best.ckpt")), "--format", "pt");
        var safetensors = Run("export-weights", workspace.File(Path.Combine("run", "best.ckpt")), "--format", "safetensors", "-o", workspace.File("weights.safetensors"));
        Assert.True(pt.ExitCode == 0, pt.Error);
        Assert.True(safetensors.ExitCode == 0, safetensors.Error);
        // torch.save writes a zip archive; safetensors starts with its JSON header's length, then the header.
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(workspace.File(Path.Combine("run", "best.pt")))[..2]);
        var header = File.ReadAllBytes(workspace.File("weights.safetensors"));
        Assert.Contains("\"embedding.weight\"", System.Text.Encoding.UTF8.GetString(header, 8, (int)BitConverter.ToInt64(header, 0)));
        // Beside each, the description python/nasrec_torch.py builds the subnet from (PyTorchExportTests run it).
        foreach (var description in new[] { Path.Combine("run", "best.nasrec.json"), "weights.nasrec.json" })
        {
            var json = JsonNode.Parse(File.ReadAllText(workspace.File(description)))!;
            Assert.Equal("nasrec-subnet", (string)json["format"]!);
            Assert.Equal("TinySmall", (string)json["name"]!);
            Assert.Equal(7, json["blocks"]!.AsArray().Count);
            Assert.Null(json["rawRows"]); // without --data (PythonScoringTests export with it)
        }
        Assert.Contains("best.nasrec.json", pt.Output);
    }

    [Fact]
    public void RowsOfOneClassStopTrainingBeforeItStartsAndEvaluateAfterWritingThePredictions()
    {
        // The same rows, every label 0: as a store of unlabelled rows to score would hold.
        File.WriteAllLines(workspace.File("unlabelled.tsv"), File.ReadAllLines(workspace.File("rows.tsv")).Select(line => "0" + line[1..]));
        Assert.Equal(0, Run("data", "prepare", "--dataset", Path.Combine(workspace.Spaces, "tiny.dataset.yaml"), "--input", workspace.File("unlabelled.tsv"),
            "--output", workspace.File("unlabelled")).ExitCode);

        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.File("unlabelled"), "--spaces", workspace.Spaces,
            "--output", workspace.File("never"), "--steps", "2");
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("rows of its val split, which validation evaluates, are all labelled 0", train.Error);
        Assert.False(Directory.Exists(workspace.File("never")));

        Assert.Equal(0, Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("scorer"), "--batch", "16", "--steps", "2", "--quiet").ExitCode);
        var evaluate = Run("evaluate", "--checkpoint", workspace.File(Path.Combine("scorer", "best.ckpt")), "--data", workspace.File("unlabelled"),
            "--predictions", workspace.File("scores.csv"));
        Assert.Equal(1, evaluate.ExitCode);
        Assert.Contains("all labelled 0: AUC and normalized entropy need both classes", evaluate.Error);
        Assert.Equal(81, File.ReadAllLines(workspace.File("scores.csv")).Length); // a header and the test split's 80 rows
    }

    [Fact]
    public void ABatchLargerThanTheTrainSplitIsRefusedBeforeARunThatWouldTrainNothing()
    {
        // A partial batch takes no step, so this run would have reported a step and changed no weight.
        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("huge"), "--batch", "100000");

        Assert.Equal(1, train.ExitCode);
        Assert.Contains("its train split holds 640 rows, fewer than one batch of 100,000: no step would train", train.Error);
        Assert.False(Directory.Exists(workspace.File("huge")));
    }

    [Fact]
    public void QuietJsonTrainingWritesOnlyTheJsonObject()
    {
        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("quiet"), "--batch", "16", "--steps", "4", "--json", "--quiet");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Equal(4, (long)JsonNode.Parse(train.Output)!["steps"]!);
        Assert.Equal("", train.Error);
    }

    [Fact]
    public void TheReferenceRecipeTrainsRowsOverBatchStepsOnTrainvalAndTestsTheLastModel()
    {
        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("reference"), "--batch", "32", "--recipe", "reference", "--json");

        Assert.Equal(0, train.ExitCode);
        var result = JsonNode.Parse(train.Output)!;
        // 800 rows split 8/1/1: trainval holds 720, so 720 // 32 = 22 steps.
        Assert.Equal(22, (long)result["steps"]!);
        Assert.Null(result["bestStep"]);
        Assert.Equal(workspace.File(Path.Combine("reference", "last.ckpt")), (string)result["checkpoint"]!);
    }

    [Fact]
    public void AnArchitectureCompiledIntoTheModelsProjectUsesItsCompiledClass()
    {
        var path = Path.Combine(Repository.Spaces, "criteo", "nasrecnet-full.arch.yaml");
        var source = new SubnetSource(File.ReadAllText(path), File.ReadAllText(Path.Combine(Repository.Spaces, "nasrec-full.space.yaml")),
            File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml")), TableCap: 100);

        var model = TrainingModel.Build(source, CPU);
        using var module = model.Module;

        Assert.Equal("compiled class NasRec.Models.CriteoNasRecNetFull", model.Kind);
        Assert.IsType<NasRec.Models.CriteoNasRecNetFull>(module);
    }

    [Fact]
    public void AStoreOfAnotherLayoutIsOneLineAndExitOne()
    {
        var (exitCode, _, error) = Run("train", "--arch", Path.Combine(Repository.Spaces, "avazu", "nasrecnet-small.arch.yaml"), "--data", workspace.Store);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", error);
        Assert.Contains("holds dataset 'TinyCriteo' (13 dense, 26 sparse features); the model reads 'Avazu'", error);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("supernet train")]
    public void ResumingAFolderWithoutALastCheckpointSaysSoInOneLineAndExitsOne(string command)
    {
        var folder = Directory.CreateDirectory(workspace.File("not-a-run")).FullName;

        var (exitCode, _, error) = Run([.. command.Split(' '), "--resume", folder, "--data", workspace.Store]);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {folder} holds no last.ckpt: it is not a run folder, or its run stopped before its first checkpoint", error.Trim());
    }

    [Fact]
    public void AGivenWarmupIsTheRunsAndANegativeOneIsOneLineAndExitOne()
    {
        var train = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("warmup"), "--batch", "16", "--steps", "4", "--lr-warmup", "3", "--json", "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        var settings = JsonNode.Parse(File.ReadAllText(workspace.File(Path.Combine("warmup", "settings.json"))))!;
        Assert.Equal(3, (long)settings["Settings"]!["WarmupSteps"]!);

        var (exitCode, _, error) = Run("train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("negative"), "--lr-warmup", "-1");
        Assert.Equal(1, exitCode);
        Assert.Equal("error: --lr-warmup must be at least 0", error.Trim());
    }

    [Theory]
    [InlineData("--lr 0", "--lr must be above 0")]
    [InlineData("--lr -0.1", "--lr must be above 0")]
    [InlineData("--wd -1", "--wd must be at least 0")]
    [InlineData("--initial-accumulator -0.1", "--initial-accumulator must be at least 0")]
    [InlineData("--eval-every -5", "--eval-every and --checkpoint-every must be at least 0 (0: only at the end)")]
    [InlineData("--checkpoint-every -1", "--eval-every and --checkpoint-every must be at least 0 (0: only at the end)")]
    [InlineData("--patience 0", "--patience must be at least 1")]
    [InlineData("--steps 0", "--steps must be at least 1")]
    public void ATrainingValueOutOfRangeIsOneLineNamingItsOptionAndStartsNothing(string option, string message)
    {
        var (exitCode, _, error) = Run(["train", "--arch", SmallArchitecture, "--data", workspace.Store, "--spaces", workspace.Spaces,
            "--output", workspace.File("bad"), .. option.Split(' ')]);

        Assert.Equal(1, exitCode);
        Assert.Equal("error: " + message, error.Trim());
        Assert.False(Directory.Exists(workspace.File("bad")));
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);
}
