using System.Text.Json;

namespace NasRec.Cli.Tests;

public sealed class SynthCommandTests
{
    [Fact]
    public void JsonReportsTheRowsAndPositiveRateOfTheWrittenFileAndBothLoglosses()
    {
        using var folder = new TempFolder();
        string path = folder.File("synth.tsv");

        var (exitCode, output, error) = CliRunner.Run("data", "synth", "--rows", "3000", "--seed", "7", "--output", path, "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        var lines = File.ReadAllLines(path);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["rows", "positiveRate", "bayesLogloss", "baseRateLogloss"], report.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3000, report.GetProperty("rows").GetInt64());
        Assert.Equal(lines.Count(line => line[0] == '1') / 3000.0, report.GetProperty("positiveRate").GetDouble(), 12);
        Assert.All(lines, line => Assert.Equal(40, line.Split('\t').Length));
        double bayes = report.GetProperty("bayesLogloss").GetDouble(), baseRate = report.GetProperty("baseRateLogloss").GetDouble();
        Assert.InRange(bayes, 0.2, baseRate - 0.05);
    }

    [Fact]
    public void WithoutJsonItPrintsOneSummaryLine()
    {
        using var folder = new TempFolder();

        var (exitCode, output, _) = CliRunner.Run("data", "synth", "--rows", "100", "--output", folder.File("s.tsv"));

        Assert.Equal(0, exitCode);
        Assert.Matches(@"s\.tsv: 100 rows, positive rate 0\.\d{4}, Bayes logloss 0\.\d{4}, base-rate logloss 0\.\d{4}$", output.Trim());
    }

    [Fact]
    public void ParquetFormatWritesAParquetFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("synth.parquet");

        var (exitCode, _, _) = CliRunner.Run("data", "synth", "--rows", "500", "--output", path, "--format", "parquet");

        Assert.Equal(0, exitCode);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("PAR1"u8.ToArray(), bytes[..4]);
        Assert.Equal("PAR1"u8.ToArray(), bytes[^4..]);
    }

    [Fact]
    public void AMissingOutputFolderIsOneLineAndExitOne()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.File("absent"), "synth.tsv");

        var (exitCode, _, error) = CliRunner.Run("data", "synth", "--rows", "10", "--output", path);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: Cannot write {path}: the folder {folder.File("absent")} does not exist.", error.Trim());
    }

    [Theory]
    [InlineData("--rows", "-1", "--rows must be 0 or more.")]
    [InlineData("--format", "csv", "Argument 'csv' not recognized.")]
    public void InvalidOptionsAreRejectedBeforeAnythingIsWritten(string option, string value, string message)
    {
        using var folder = new TempFolder();
        string[] args = option == "--rows"
            ? ["data", "synth", "--rows", value, "--output", folder.File("s.tsv")]
            : ["data", "synth", "--rows", "10", option, value, "--output", folder.File("s.tsv")];

        var (exitCode, _, error) = CliRunner.Run(args);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error);
        Assert.False(File.Exists(folder.File("s.tsv")));
    }
}
