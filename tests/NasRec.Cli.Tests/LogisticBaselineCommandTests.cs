using System.Text.Json.Nodes;
using NasRec.Runtime.Checkpoints;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec train --baseline logistic</c> on a small store: trained, tested and resumable like an architecture.</summary>
public sealed class LogisticBaselineCommandTests : IDisposable
{
    private readonly TinyCriteoWorkspace workspace = new(rows: 2000);

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void LogisticBaselineTrainsOnTheStoresDatasetAndLearnsThePlantedEffect()
    {
        var result = CliRunner.Run("train", "--baseline", "logistic", "--data", workspace.Store, "--output", workspace.File("run"),
            "--batch", "32", "--epochs", "3", "--lr", "0.1", "--eval-every", "20", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonNode.Parse(result.Output)!;
        Assert.Equal("logistic-regression baseline", (string)json["model"]!);
        // The label depends on the first dense feature alone (the ids are noise it can overfit): the model ranks better than
        // chance, by over two standard deviations of the AUC of 200 test rows.
        Assert.True((double)json["testAuc"]! > 0.6, result.Output);
        var header = Checkpoint.ReadHeader(workspace.File(Path.Combine("run", "last.ckpt")));
        Assert.Equal(File.ReadAllText(Path.Combine(workspace.Store, "dataset.yaml")), Assert.IsType<LogisticSource>(header.Model).DatasetYaml);
    }
}
