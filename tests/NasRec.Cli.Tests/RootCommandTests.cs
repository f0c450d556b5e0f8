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

    [Fact]
    public void ACommandLineThatDoesNotParseGetsItsErrorsAndWhereTheOptionsAreNotTheWholeHelp()
    {
        var (exitCode, output, error) = CliRunner.Run("data", "prepare", "--input");

        Assert.Equal(1, exitCode);
        Assert.Contains("Option '--dataset' is required.", error);
        Assert.EndsWith("See 'nasrec data prepare --help'.", error.TrimEnd());
        Assert.DoesNotContain("Usage:", output + error);
    }

    [Theory]
    [InlineData("--lr", "abc", "as a number")]
    [InlineData("--steps", "1.5", "as an integer")]
    [InlineData("--batch", "many", "as an integer")]
    [InlineData("--split", "Nope", "as one of its values")]
    public void AValueThatDoesNotParseNamesTheOptionAndWhatItTakesNotADotNetType(string option, string value, string expected)
    {
        var (exitCode, _, error) = CliRunner.Run(option == "--split" ? ["data", "bench", ".", option, value] : ["train", "--arch", "a.arch.yaml", "--data", ".", option, value]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Cannot parse argument '{value}' for option '{option}' {expected}.", error);
        Assert.DoesNotContain("System.", error);
    }
}
