namespace NasRec.Cli.Tests;

public sealed class RootCommandTests
{
    [Fact]
    public void VersionPrintsTheProductVersion()
    {
        var (exitCode, output, _) = CliRunner.Run("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public void HelpDescribesTheToolAndItsOptions()
    {
        var (exitCode, output, _) = CliRunner.Run("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("architecture search", output);
        Assert.Contains("--version", output);
    }

    [Fact]
    public void UnknownOptionIsAnErrorWithNonZeroExit()
    {
        var (exitCode, _, error) = CliRunner.Run("--no-such-option");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--no-such-option", error);
    }
}
