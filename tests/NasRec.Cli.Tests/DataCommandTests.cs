namespace NasRec.Cli.Tests;

/// <summary><c>nasrec data prepare</c>, <c>inspect</c> and <c>bench</c> on a small Criteo-layout file.</summary>
public sealed class DataCommandTests
{
    private static readonly string Criteo = Path.Combine(Repository.Root, "spaces", "datasets", "criteo.dataset.yaml");

    private static void WriteCriteoRows(string path, int rows)
    {
        var random = new Random(5);
        using var writer = new StreamWriter(path);
        for (int i = 0; i < rows; i++)
        {
            var dense = Enumerable.Range(0, 13).Select(_ => random.Next(10) == 0 ? "" : random.Next(-1, 50).ToString());
            var sparse = Enumerable.Range(0, 26).Select(_ => random.Next(20) == 0 ? "" : random.Next().ToString("x8"));
            writer.Write(string.Join('\t', new[] { (i % 4 == 0 ? 1 : 0).ToString() }.Concat(dense).Concat(sparse)) + "\n");
        }
    }

    [Fact]
    public void PrepareThenInspectThenBench()
    {
        using var temp = new TempFolder();
        WriteCriteoRows(temp.File("rows.tsv"), 200);

        var prepare = CliRunner.Run("data", "prepare", "--dataset", Criteo, "--input", temp.File("rows.tsv"), "--output", temp.File("store"));
        var inspect = CliRunner.Run("data", "inspect", temp.File("store"));
        var bench = CliRunner.Run("data", "bench", temp.File("store"), "--batch-size", "16", "--passes", "2");

        Assert.Equal((0, ""), (prepare.ExitCode, prepare.Error));
        Assert.StartsWith("prepared 200 rows into ", prepare.Output, StringComparison.Ordinal);
        Assert.Contains("train          160 rows  positive rate 0.2500", prepare.Output, StringComparison.Ordinal);
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("val: 20 rows, positive rate 0.2500", inspect.Output, StringComparison.Ordinal);
        Assert.Matches(@"\nC26\s+sparse\s+\d+\.\d\d %\s+\d+\n", inspect.Output);
        Assert.Equal(0, bench.ExitCode);
        Assert.Matches(@"^pass 1: read 160 rows in 10 batches in .*\npass 2: read 160 rows in 10 batches in ", bench.Output);
    }

    [Fact]
    public void BadDataIsOneLineAndExitOne()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("rows.tsv"), "1\t2\n");

        var (exitCode, output, error) = CliRunner.Run("data", "prepare", "--dataset", Criteo, "--input", temp.File("rows.tsv"), "--output", temp.File("store"));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"error: {temp.File("rows.tsv")}:1: expected 40 columns, found 2\n", error.ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(temp.File("store")));
    }

    [Fact]
    public void InspectingSomethingThatIsNotAStoreIsOneLineAndExitOne()
    {
        using var temp = new TempFolder();

        var (exitCode, _, error) = CliRunner.Run("data", "inspect", temp.File("missing"));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("no such store", error, StringComparison.Ordinal);
    }
}
