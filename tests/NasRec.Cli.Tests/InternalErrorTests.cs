using System.CommandLine;

namespace NasRec.Cli.Tests;

/// <summary>No input makes nasrec print a stack trace: user errors exit 1, internal failures one NASREC900 line and exit 70.</summary>
public sealed class InternalErrorTests
{
    [Fact]
    public void AnUnexpectedExceptionInAnyCommandIsOneNASREC900LineWithExitCode70()
    {
        var command = new RootCommand { new Command("explode") };
        command.Subcommands[0].SetAction(CommandAction.Of((_, _, _) => throw new InvalidOperationException("first line\nsecond line")));
        var error = new StringWriter();

        int exitCode = command.Parse(["explode"]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(70, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error NASREC900: internal error (InvalidOperationException: first line second line)", line, StringComparison.Ordinal);
        Assert.Contains("please report it", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpDocumentsTheExitCodes()
    {
        var (exitCode, output, _) = CliRunner.Run("--help");

        Assert.Equal(0, exitCode);
        var help = string.Join(" ", output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Exit codes: 0 success; 1 an error in the input", help, StringComparison.Ordinal);
        Assert.Contains("70 an internal error (NASREC900)", help, StringComparison.Ordinal);
    }

    /// <summary>Once NASREC900: a checkpoint's reader says what is wrong with the file, which is the user's to fix.</summary>
    [Theory]
    [InlineData("evaluate --checkpoint FILE --data FOLDER")]
    [InlineData("export-weights FILE --format pt")]
    public void AFileThatIsNotACheckpointIsOneLineWithExitCode1(string command)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("run.ckpt"), "not a checkpoint");
        var args = command.Replace("FILE", folder.File("run.ckpt")).Replace("FOLDER", folder.File("")).Split(' ');

        var (exitCode, _, error) = CliRunner.Run(args);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("NASREC900", line, StringComparison.Ordinal);
    }

    /// <summary>Once an OverflowException with a stack trace: a table size near 2^62 and a width near 2^31.</summary>
    [Fact]
    public void InspectOfAnArchitectureWithHugeNumbersReportsTheLimitsAndExits1()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("huge.dataset.yaml"), """
            kind: Dataset
            name: Huge
            source: { format: csv, header: true }
            label: y
            dense: { transform: log1p, features: [d] }
            sparse:
              encoding: hex-modulo
              features:
                - { name: a, tableSize: 4611686018427387904 }
                - { name: b, tableSize: 4611686018427387904 }
            """);
        File.WriteAllText(folder.File("huge.space.yaml"), """
            kind: SearchSpace
            name: HugeSpace
            blocks: 1
            embeddingDim: 268435456
            denseOperators: [fc]
            sparseOperators: [efc]
            denseWidths: [2147483647]
            sparseTokens: [2147483647]
            maxInputs: 1
            """);
        var architecture = folder.File("huge.arch.yaml");
        File.WriteAllText(architecture, """
            kind: Architecture
            name: HugeNet
            space: HugeSpace
            dataset: Huge
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
            """);

        var (exitCode, output, error) = CliRunner.Run("inspect", architecture, "--spaces", folder.File(""));

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error NASREC023: 'tableSize' is 4611686018427387904; the limit is 4294967296", error, StringComparison.Ordinal);
        Assert.Contains("error NASREC023: 'embeddingDim' is 268435456; the limit is 4096", error, StringComparison.Ordinal);
        Assert.Contains("error NASREC023: 'denseWidths' is 2147483647; the limit is 65536", error, StringComparison.Ordinal);
        Assert.DoesNotContain("NASREC900", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>Once minutes and gigabytes: nested anchored lists used as a key.</summary>
    [Fact]
    public void CheckOfAnAliasBombIsAnErrorAtTheAliasAndReturnsAtOnce()
    {
        using var folder = new TempFolder();
        var levels = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]"));
        File.WriteAllText(folder.File("bomb.space.yaml"), "kind: SearchSpace\nl0: &l0 [x]\n" + levels + "\n? *l30\n: 1\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (exitCode, _, error) = CliRunner.Run("check", folder.File(""));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
        Assert.Equal(1, exitCode);
        Assert.Contains("error NASREC023: The aliases up to this one stand for", error, StringComparison.Ordinal);
        Assert.DoesNotContain("NASREC900", error, StringComparison.Ordinal);
    }
}
