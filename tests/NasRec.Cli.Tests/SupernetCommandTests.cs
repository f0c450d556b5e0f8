using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Cli.Tests;

/// <summary>
/// A store of synthetic clicks with planted interactions (<c>nasrec data synth</c>) in a Criteo layout with tables of at most
/// 1,000 rows, and one <c>nasrec supernet train</c> run of NASRec-Small on it, which the tests read.
/// </summary>
public sealed class SupernetRunFixture : IDisposable
{
    public SupernetRunFixture()
    {
        Directory.CreateDirectory(PathOf("spaces"));
        foreach (var space in Directory.GetFiles(Repository.Spaces, "*.space.yaml"))
            File.Copy(space, PathOf(Path.Combine("spaces", Path.GetFileName(space))));
        var dataset = File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml")).Replace("name: Criteo", "name: TinyCriteo");
        dataset = Regex.Replace(dataset, @"tableSize: (\d+)", m => "tableSize: " + Math.Min(long.Parse(m.Groups[1].Value), 1000));
        File.WriteAllText(PathOf(Path.Combine("spaces", "tiny.dataset.yaml")), dataset);
        Assert.Equal(0, CliRunner.Run("data", "synth", "--rows", "6000", "--seed", "1", "--output", PathOf("clicks.tsv")).ExitCode);
        // The dataset by its name in the spaces folder, as the space below; other tests prepare from the file.
        Assert.Equal(0, CliRunner.Run("data", "prepare", "--dataset", "TinyCriteo", "--spaces", PathOf("spaces"),
            "--input", PathOf("clicks.tsv"), "--output", PathOf("store")).ExitCode);

        // The space by its name too; the bad-option cases below pass its file.
        Train = CliRunner.Run("supernet", "train", "--space", "NasRecSmall", "--dataset", "TinyCriteo", "--data", PathOf("store"),
            "--spaces", PathOf("spaces"), "--output", PathOf("run"), "--batch-size", "64", "--steps", "60", "--warmup-steps", "20",
            "--eval-every", "15", "--checkpoint-every", "30", "--fixed-archs", "4", "--fixed-rows", "256", "--json");
    }

    private readonly TempFolder temp = new();

    /// <summary>A path in the fixture's temporary folder.</summary>
    public string PathOf(string name) => temp.File(name);

    public string SmallSpace => PathOf(Path.Combine("spaces", "nasrec-small.space.yaml"));

    public (int ExitCode, string Output, string Error) Train { get; }

    public string Run(string file) => PathOf(Path.Combine("run", file));

    public void Dispose() => temp.Dispose();
}

[Collection(nameof(GlobalGeneratorCollection))]
public sealed class SupernetCommandTests(SupernetRunFixture fixture) : IClassFixture<SupernetRunFixture>
{
    [Fact]
    public void TrainReportsTheSampledAndFixedValidationAndWritesTheRunFolder()
    {
        var (exitCode, output, error) = fixture.Train;

        Assert.True(exitCode == 0, error);
        var result = JsonNode.Parse(output)!;
        Assert.Equal(60, (long)result["steps"]!);
        Assert.InRange((double)result["valLoglossSampled"]!, 0.2, 1.5);
        // Fixed paths are barely trained after 60 steps (the search fine-tunes the head before scoring them): only finite.
        Assert.True(double.IsFinite((double)result["valLoglossFixedMedian"]!));
        Assert.True((double)result["samplesPerSecond"]! > 0);
        Assert.Equal(fixture.Run("supernet.ckpt"), (string)result["checkpoint"]!);
        var fixedScores = result["fixed"]!.AsArray();
        Assert.Equal(new[] { 0, 1, 2, 3 }, fixedScores.Select(f => (int)f!["seed"]!));
        var loglosses = fixedScores.Select(f => (double)f!["valLogloss"]!).Order().ToList();
        Assert.Equal((loglosses[1] + loglosses[2]) / 2, (double)result["valLoglossFixedMedian"]!, 12);
        foreach (var file in new[] { "settings.json", "metrics.jsonl", "last.ckpt", "supernet.ckpt", "summary.json" })
            Assert.True(File.Exists(fixture.Run(file)), file);
        Assert.False(File.Exists(fixture.Run("best.ckpt")));
        Assert.NotEmpty(Directory.GetFiles(fixture.Run("tensorboard"), "events.out.tfevents.*", SearchOption.AllDirectories));
        Assert.Contains("step 60/60", error);
        Assert.Contains("final evaluation: validation of fixed architecture 4/4", error);
        Assert.Contains("\"kind\": \"supernet\"", File.ReadAllText(fixture.Run("settings.json")));
    }

    [Fact]
    public void SampledPathValidationLoglossImprovesOverTraining()
    {
        var validations = File.ReadLines(fixture.Run("metrics.jsonl")).Select(line => JsonNode.Parse(line)!)
            .Where(n => (string)n["split"]! == "val").ToList();

        Assert.Equal(new long[] { 15, 30, 45, 60 }, validations.Select(n => (long)n["step"]!));
        Assert.True((double)validations[^1]["logloss"]! < (double)validations[0]["logloss"]! - 0.005,
            string.Join(", ", validations.Select(n => (double)n["logloss"]!)));
    }

    [Fact]
    public void TheCheckpointRebuildsTheCriteoLayoutSmallSupernetWithTheReferenceParameterCount()
    {
        using var supernet = SupernetCheckpoint.Load(fixture.Run(""), CPU);

        Assert.Equal("NasRecSmall", supernet.Space.Name);
        Assert.Equal("TinyCriteo", supernet.Dataset.Name);
        Assert.Equal(31_143_245, supernet.NonEmbeddingParameters);
        Assert.True(supernet.Options.LayerNorm);
    }

    [Fact]
    public void AFinishedRunResumedHasNothingLeftToTrainAndReportsTheSameScores()
    {
        var (exitCode, output, error) = CliRunner.Run("supernet", "train", "--resume", fixture.Run(""), "--data", fixture.PathOf("store"),
            "--fixed-archs", "4", "--fixed-rows", "256", "--json", "--quiet");

        Assert.True(exitCode == 0, error);
        var first = JsonNode.Parse(fixture.Train.Output)!;
        var again = JsonNode.Parse(output)!;
        Assert.Equal((double)first["valLoglossSampled"]!, (double)again["valLoglossSampled"]!, 12);
        Assert.Equal((double)first["valLoglossFixedMedian"]!, (double)again["valLoglossFixedMedian"]!, 12);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("--dataset TinyCriteo", "error: --space is required (or --resume <run dir>)")]
    [InlineData("--space SPACE", "error: --dataset is required (or --resume <run dir>)")]
    [InlineData("--space SPACE --dataset Nowhere", "error: --dataset 'Nowhere' is neither a file nor a dataset of")]
    [InlineData("--space NoSuchSpace --dataset TinyCriteo", "error: --space 'NoSuchSpace' is neither a file nor a search space of")]
    [InlineData("--space SPACE --dataset TinyCriteo --batch-size 0", "error: --batch and --epochs must be at least 1")]
    [InlineData("--space SPACE --dataset TinyCriteo --steps 0", "error: --steps must be at least 1")]
    [InlineData("--space SPACE --dataset TinyCriteo --warmup-steps -1", "error: --warmup-steps must be at least 0")]
    [InlineData("--space SPACE --dataset TinyCriteo --fixed-archs -1", "error: --fixed-archs must be at least 0")]
    public void BadOptionsAreOneLineAndExitOne(string options, string message)
    {
        var args = options.Replace("SPACE", fixture.SmallSpace).Split(' ')
            .Concat(new[] { "--data", fixture.PathOf("store"), "--spaces", fixture.PathOf("spaces"), "--output", fixture.PathOf("bad") });

        var (exitCode, _, error) = CliRunner.Run(new[] { "supernet", "train" }.Concat(args).ToArray());

        Assert.Equal(1, exitCode);
        Assert.StartsWith(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void ResumingASubnetRunIsOneLineAndExitOne()
    {
        var arch = fixture.PathOf("tiny.arch.yaml");
        File.WriteAllText(arch, File.ReadAllText(Path.Combine(Repository.Spaces, "criteo", "nasrecnet-small.arch.yaml"))
            .Replace("name: CriteoNasRecNetSmall", "name: TinyNet").Replace("dataset: Criteo", "dataset: TinyCriteo"));
        Assert.Equal(0, CliRunner.Run("train", "--arch", arch, "--data", fixture.PathOf("store"), "--spaces", fixture.PathOf("spaces"),
            "--output", fixture.PathOf("subnet"), "--batch", "64", "--steps", "2", "--json").ExitCode);

        var (exitCode, _, error) = CliRunner.Run("supernet", "train", "--resume", fixture.PathOf("subnet"), "--data", fixture.PathOf("store"));

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {fixture.PathOf("subnet")} is a subnet's run: continue it with nasrec train --resume", error.Trim());
    }

    [Fact]
    public void BenchSupernetMeasuresSampledAndFullPathStepsWithTheChosenCompute()
    {
        var (exitCode, output, error) = CliRunner.Run("bench", "supernet", "--space", "NasRecSmall", "--dataset", "tinycriteo",
            "--spaces", fixture.PathOf("spaces"), "--batch", "32", "--steps", "1", "--warmup", "0", "--compute", "sliced", "--json");

        Assert.True(exitCode == 0, error);
        var rows = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(new[] { "default", "full-path" }, rows.Select(r => (string)r!["strategy"]!));
        Assert.All(rows, r =>
        {
            Assert.Equal("NasRecSmall", (string)r!["space"]!);
            Assert.Equal("sliced", (string)r["compute"]!);
            Assert.True((double)r["samplesPerSecond"]! > 0);
            Assert.True((long)r["peakRssBytes"]! > 100 << 20);
        });
    }
}
