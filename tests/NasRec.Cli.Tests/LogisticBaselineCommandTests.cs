using System.Text.Json.Nodes;
using NasRec.Runtime.Checkpoints;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec train --baseline logistic</c> on a small store: trained and tested like an architecture, its checkpoint holding the dataset.</summary>
public sealed class LogisticBaselineCommandTests : IDisposable
{
    private readonly TinyCriteoWorkspace workspace = new(rows: 2000);

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void LogisticBaselineTrainsAndTestsOnTheStoresDatasetAndItsCheckpointNamesIt()
    {
        var result = CliRunner.Run("train", "--baseline", "logistic", "--data", workspace.Store, "--output", workspace.File("run"),
            "--batch", "64", "--epochs", "1", "--lr", "0.1", "--eval-every", "20", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonNode.Parse(result.Output)!;
        Assert.Equal("logistic-regression baseline", (string)json["model"]!);
        Assert.True(double.IsFinite((double)json["testLogloss"]!) && (double)json["testAuc"]! is > 0 and < 1, result.Output);
        var header = Checkpoint.ReadHeader(workspace.File(Path.Combine("run", "last.ckpt")));
        Assert.Equal(File.ReadAllText(Path.Combine(workspace.Store, "dataset.yaml")), Assert.IsType<LogisticSource>(header.Model).DatasetYaml);
    }
}
