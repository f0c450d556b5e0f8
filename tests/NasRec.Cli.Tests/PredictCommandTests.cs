using System.Globalization;
using System.Text.Json.Nodes;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec predict</c> on the raw rows behind a small Criteo-layout store.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class PredictCommandTests : IDisposable
{
    private readonly TinyCriteoWorkspace workspace = new(rows: 400);

    public void Dispose() => workspace.Dispose();

    private string File(string name) => workspace.File(name);

    /// <summary>
    /// Prepares rows.tsv with --write-indices under <paramref name="dataset"/> and trains twenty steps on it, at a rate that
    /// leaves the probabilities apart (an untrained model, or two steps at the default rate, can saturate them all to 0 or 1, and any rows would match).
    /// </summary>
    private string Train(string dataset, string store, string architecture)
    {
        var prepare = Run("data", "prepare", "--dataset", Path.Combine(workspace.Spaces, dataset), "--input", File("rows.tsv"), "--output", File(store), "--write-indices");
        Assert.True(prepare.ExitCode == 0, prepare.Error);
        var train = Run("train", "--arch", architecture, "--data", File(store), "--spaces", workspace.Spaces,
            "--output", File(store + "-run"), "--batch", "16", "--steps", "20", "--lr", "0.01", "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        return File(Path.Combine(store + "-run", "best.ckpt"));
    }

    /// <summary>The probabilities of a CSV written by evaluate or predict, by the source row (evaluate's through the store's indices).</summary>
    private static Dictionary<long, string> Probabilities(string csv, string? indices = null)
    {
        var lines = System.IO.File.ReadAllLines(csv)[1..];
        var rows = indices is null
            ? lines.Select(line => long.Parse(line.Split(',')[0], CultureInfo.InvariantCulture))
            : System.IO.File.ReadAllLines(indices).Select(line => long.Parse(line, CultureInfo.InvariantCulture));
        var probabilities = rows.Zip(lines, (row, line) => (row, line.Split(',')[^1])).ToDictionary(p => p.row, p => p.Item2);
        Assert.True(probabilities.Values.Distinct().Count() > probabilities.Count / 2, "the model's probabilities should tell the rows apart");
        return probabilities;
    }

    [Fact]
    public void RawRowsScoreAsEvaluateScoresTheSameRowsInTheStoreWithLabelsOrWithout()
    {
        var checkpoint = Train("tiny.dataset.yaml", "indexed", Path.Combine(workspace.Archs, "nasrecnet-small.arch.yaml"));
        Assert.Equal(0, Run("evaluate", "--checkpoint", checkpoint, "--data", File("indexed"), "--predictions", File("test.csv")).ExitCode);

        var labelled = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("rows.tsv"), "-o", File("all.csv"));

        Assert.True(labelled.ExitCode == 0, labelled.Error);
        Assert.StartsWith("scored 400 rows of", labelled.Output);
        Assert.Contains("(400 rows)", labelled.Output); // the metrics line
        Assert.Equal("row,label,probability", System.IO.File.ReadLines(File("all.csv")).First());
        var all = Probabilities(File("all.csv"));
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), all.Keys);
        var test = Probabilities(File("test.csv"), File(Path.Combine("indexed", "indices", "test.txt")));
        Assert.Equal(40, test.Count);
        Assert.All(test, row => Assert.Equal(row.Value, all[row.Key]));

        // The same rows without their label column, as a competition's test file.
        System.IO.File.WriteAllLines(File("unlabelled.tsv"), System.IO.File.ReadAllLines(File("rows.tsv")).Select(line => line[(line.IndexOf('\t') + 1)..]));
        var unlabelled = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("unlabelled.tsv"), "-o", File("scores.csv"),
            "--no-labels", "--json");

        Assert.True(unlabelled.ExitCode == 0, unlabelled.Error);
        var json = JsonNode.Parse(unlabelled.Output)!;
        Assert.Equal(400, (int)json["rows"]!);
        Assert.Null(json["metrics"]);
        Assert.Equal("row,probability", System.IO.File.ReadLines(File("scores.csv")).First());
        Assert.Equal(all, Probabilities(File("scores.csv")));

        var forgotten = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("unlabelled.tsv"), "-o", File("never.csv"));
        Assert.Equal(1, forgotten.ExitCode);
        Assert.Contains("unlabelled.tsv:1: expected 40 columns, found 39, one fewer: rows without their label column? ('nasrec predict --no-labels' scores those)", forgotten.Error);
        Assert.False(System.IO.File.Exists(File("never.csv")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(workspace.File("")), entry => Path.GetFileName(entry).StartsWith(".never.csv", StringComparison.Ordinal));
    }

    [Fact]
    public void ABadRowIsNamedByFileAndLineOrSkippedAndCountedWithItsNumberMissing()
    {
        var checkpoint = Train("tiny.dataset.yaml", "indexed", Path.Combine(workspace.Archs, "nasrecnet-small.arch.yaml"));
        var lines = System.IO.File.ReadAllLines(File("rows.tsv"))[..5];
        lines[2] = lines[2].Replace(lines[2].Split('\t')[1], "many");
        System.IO.File.WriteAllLines(File("bad.tsv"), lines);

        var stopped = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("bad.tsv"), "-o", File("bad.csv"));
        var skipped = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("bad.tsv"), "-o", File("good.csv"), "--skip-bad-rows");

        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("bad.tsv:3", stopped.Error);
        Assert.Contains("'many'", stopped.Error);
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.Contains("skipped 1 bad rows: 1 non-numeric dense values", skipped.Error);
        Assert.Equal(new long[] { 0, 1, 3, 4 }, Probabilities(File("good.csv")).Keys);
    }

    [Fact]
    public void RowsOfADatasetWithFittedVocabulariesScoreOnlyThroughTheStoreTheModelTrainedOn()
    {
        // TinyCriteo with vocabularies fitted on the training split: the rows' ids depend on the store.
        var dataset = System.IO.File.ReadAllText(Path.Combine(workspace.Spaces, "tiny.dataset.yaml"))
            .Replace("name: TinyCriteo", "name: TinyVocabulary").Replace("encoding: hex-modulo", "encoding: vocabulary");
        System.IO.File.WriteAllText(Path.Combine(workspace.Spaces, "vocabulary.dataset.yaml"), dataset);
        System.IO.File.WriteAllText(File("vocabulary.arch.yaml"),
            TinyCriteoWorkspace.Architecture("VocabularySmall", "nasrecnet-small").Replace("dataset: TinyCriteo", "dataset: TinyVocabulary"));
        var checkpoint = Train("vocabulary.dataset.yaml", "indexed", File("vocabulary.arch.yaml"));
        System.IO.File.WriteAllLines(File("half.tsv"), System.IO.File.ReadAllLines(File("rows.tsv"))[..200]);
        Assert.Equal(0, Run("data", "prepare", "--dataset", Path.Combine(workspace.Spaces, "vocabulary.dataset.yaml"), "--input", File("half.tsv"),
            "--output", File("other")).ExitCode);
        Assert.Equal(0, Run("evaluate", "--checkpoint", checkpoint, "--data", File("indexed"), "--predictions", File("test.csv")).ExitCode);

        var elsewhere = Run("predict", "--checkpoint", checkpoint, "--data", File("other"), "--input", File("rows.tsv"), "-o", File("never.csv"));
        var trained = Run("predict", "--checkpoint", checkpoint, "--data", File("indexed"), "--input", File("rows.tsv"), "-o", File("all.csv"));

        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("was trained on another store than", elsewhere.Error);
        Assert.True(trained.ExitCode == 0, trained.Error);
        var all = Probabilities(File("all.csv"));
        Assert.All(Probabilities(File("test.csv"), File(Path.Combine("indexed", "indices", "test.txt"))), row => Assert.Equal(row.Value, all[row.Key]));
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);
}
