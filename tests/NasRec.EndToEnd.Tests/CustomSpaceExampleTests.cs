using System.Globalization;
using System.Text.RegularExpressions;

namespace NasRec.EndToEnd.Tests;

public sealed class CustomSpaceExampleTests
{
    [Fact]
    public void ExampleBuildsTrainsItsCompiledSubnetAndRunsATypedArchitectureInterpretedAndInsideTheSupernet()
    {
        // The test project references the example, so the test command has built it already.
        var project = Path.Combine(DotnetCli.RepoRoot, "examples", "CustomSpace");

        var run = DotnetCli.Run(project, "run", "--no-build", "-c", DotnetCli.Configuration);

        Assert.True(run.ExitCode == 0, run.Output);
        var loss = Regex.Match(run.Output, @"training loss (\d+\.\d+) -> (\d+\.\d+)");
        Assert.True(loss.Success, run.Output);
        double first = double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture);
        double last = double.Parse(loss.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(last < first / 2, run.Output);
        Assert.Contains("interpreted Mine:", run.Output);
        Assert.Contains("Mine inside the supernet (", run.Output);
    }
}
