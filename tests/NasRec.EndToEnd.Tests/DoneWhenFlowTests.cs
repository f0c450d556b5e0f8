using System.Text.Json.Nodes;

namespace NasRec.EndToEnd.Tests;

/// <summary>A test that runs only where <c>NASREC_E2E_FLOW=1</c>: it takes minutes, too long for every run of the suite.</summary>
public sealed class FlowFactAttribute : FactAttribute
{
    public FlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NASREC_E2E_FLOW") != "1") Skip = "minutes long: set NASREC_E2E_FLOW=1 to run it";
    }
}

/// <summary>Issue 10's "done when": supernet, search, export, build and training of the best, on synthetic clicks, through the built CLI.</summary>
public sealed class DoneWhenFlowTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-flow-");

    public void Dispose() => folder.Delete(recursive: true);

    [FlowFact]
    public void SearchedBestBeatsTheInitialPopulationsMedianThenBuildsAndTrains()
    {
        var spaces = SearchFixture.WriteSpaces(PathOf("spaces"));
        // Enough rows for the planted interactions to separate architectures.
        var store = SearchFixture.SynthesizeStore(spaces, PathOf("clicks.tsv"), PathOf("store"), rows: 20_000);
        SearchFixture.Succeed(NasrecCli.Run("supernet", "train", "--space", Path.Combine(spaces, "nasrec-small.space.yaml"), "--dataset", "TinyCriteo",
            "--data", store, "--spaces", spaces, "--output", PathOf("supernet"), "--batch-size", "128", "--steps", "150", "--warmup-steps", "30",
            "--eval-every", "0", "--fixed-archs", "0", "--quiet"));

        var search = JsonNode.Parse(SearchFixture.Succeed(NasrecCli.Run("search", "--supernet", PathOf("supernet"), "--data", store, "--output", PathOf("search"),
            "--generations", "10", "--population", "16", "--tournament", "4", "--children", "2", "--seed", "1",
            "--finetune-steps", "20", "--finetune-batch", "128", "--val-rows", "2048", "--json", "--quiet")))!;
        Assert.Equal(16 + 10 * 2, (int)search["candidates"]!);
        Assert.True((double)search["bestValLogloss"]! < (double)search["initialMedianValLogloss"]!, search.ToJsonString());

        SearchFixture.Succeed(NasrecCli.Run("export", "--search", PathOf("search"), "--top", "3", "--output-dir", PathOf("exported"), "--spaces", spaces, "--name", "Found"));
        var best = Path.Combine(PathOf("exported"), "Found1.arch.yaml");
        var project = ConsumerProject.Create(PathOf("consumer"), spaces, best, "Found1");
        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.Output);

        var train = JsonNode.Parse(SearchFixture.Succeed(NasrecCli.Run("train", "--arch", best, "--data", store, "--spaces", spaces,
            "--output", PathOf("train"), "--batch", "128", "--steps", "100", "--json")))!;
        Assert.True(double.IsFinite((double)train["testLogloss"]!), train.ToJsonString());
    }

    private string PathOf(string name) => Path.Combine(folder.FullName, name);
}
