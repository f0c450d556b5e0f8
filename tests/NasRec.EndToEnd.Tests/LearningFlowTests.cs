using System.Text.Json.Nodes;

namespace NasRec.EndToEnd.Tests;

/// <summary>
/// Issue 8's learning test at full size, through the built CLI (minutes: <c>NASREC_E2E_FLOW=1</c>): on synthetic rows
/// with a known Bayes logloss, one epoch of Criteo's NASRec-Full with the defaults closes at least half of the gap
/// between the base-rate logloss and the Bayes logloss. The suite runs a scaled-down version (TrainLearningTests).
/// </summary>
public sealed class LearningFlowTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-learning-");

    public void Dispose() => folder.Delete(recursive: true);

    [FlowFact]
    public void OneEpochOfCriteoNasRecFullClosesHalfTheGapFromTheBaseRateToBayes()
    {
        string rows = Path.Combine(folder.FullName, "rows.tsv"), store = Path.Combine(folder.FullName, "store");
        var data = JsonNode.Parse(SearchFixture.Succeed(NasrecCli.Run("data", "synth", "--rows", "200000", "--seed", "1", "-o", rows, "--json")))!;
        SearchFixture.Succeed(NasrecCli.Run("data", "prepare", "--dataset", Path.Combine(DotnetCli.RepoRoot, "spaces", "datasets", "criteo.dataset.yaml"),
            "--input", rows, "--output", store));
        File.Delete(rows);

        var train = JsonNode.Parse(SearchFixture.Succeed(NasrecCli.Run("train", "--arch", Path.Combine(DotnetCli.RepoRoot, "spaces", "criteo", "nasrecnet-full.arch.yaml"),
            "--data", store, "--output", Path.Combine(folder.FullName, "run"), "--epochs", "1", "--json")))!;

        double baseRate = (double)data["baseRateLogloss"]!, bayes = (double)data["bayesLogloss"]!, test = (double)train["testLogloss"]!;
        double closed = (baseRate - test) / (baseRate - bayes);
        Assert.True(closed >= 0.5, $"test logloss {test:F4} closes {closed:P0} of the gap from the base rate {baseRate:F4} to Bayes {bayes:F4}");
    }
}
