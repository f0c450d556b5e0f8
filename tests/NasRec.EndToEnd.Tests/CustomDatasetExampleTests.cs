using System.Text.RegularExpressions;

namespace NasRec.EndToEnd.Tests;

public sealed class CustomDatasetExampleTests
{
    [Fact]
    public void ExampleWritesItsCsvThenPreparesInspectsAndReadsIt()
    {
        // The test project references the example, so the test command has built it already.
        var project = Path.Combine(DotnetCli.RepoRoot, "examples", "CustomDataset");

        var run = DotnetCli.Run(project, "run", "--no-build", "-c", DotnetCli.Configuration);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("prepared: train 1600, val 200, test 200 rows", run.Output);
        Assert.Matches(new Regex(@"category missing\s+0\.0 %\s+distinct ~5\b"), run.Output);
        Assert.Contains("first batch: dense [256, 2], sparse [256, 4], label [256, 1]", run.Output);
        Assert.Contains("read 1600 training rows in 7 batches", run.Output);
    }
}
