using System.Text;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Baselines;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;
using NasRec.Runtime.Training;

namespace NasRec.Runtime.Tests.Data.Preparation;

/// <summary><see cref="RawRowScoring"/>: raw rows read and encoded as a training store read and encoded its own, then scored.</summary>
public sealed class RowsToScoreTests : IDisposable
{
    /// <summary>A dataset with both encodings fitted on the training split (<see cref="PrepareTests"/> fits it too).</summary>
    internal const string VocabularyYaml = """
        kind: Dataset
        name: Vocab
        source: { format: tsv }
        label: y
        dense:
          features: [{ name: n, transform: standardize }]
        sparse:
          encoding: vocabulary
          minCount: 2
          features:
            - { name: c, tableSize: 10 }
        """;

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-score-");

    public void Dispose() => folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(folder.FullName, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    /// <summary>A store whose training split fits n's mean 2 and deviation √(2/3), and a vocabulary of 'a' alone ('b' is below minCount).</summary>
    private DataStore TrainedStore(string yaml = VocabularyYaml, string train = "1\t1\ta\n0\t3\ta\n0\t2\tb\n", string val = "1\t5\tz\n0\t5\tz\n", string extension = "tsv")
    {
        Directory.CreateDirectory(PathOf("split"));
        Write("split/train." + extension, train);
        Write("split/val." + extension, val);
        var schema = (DatasetSchema)DocumentParser.Parse("vocab.dataset.yaml", yaml).Document!;
        new DataPreparer(schema, yaml, new PrepareOptions(Split: SplitMode.None)).Prepare(PathOf("split"), PathOf("trained"));
        return DataStore.Open(PathOf("trained"));
    }

    /// <summary>Scores <paramref name="input"/> with a <see cref="RecordingModel"/>, which keeps the rows it was given.</summary>
    private static (ScoredRows Scored, RecordingModel Model) Score(DataStore trained, string input, RawRowOptions options,
        IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default)
    {
        var model = new RecordingModel();
        var scored = RawRowScoring.Score(model, trained.Schema.TableSizes(null).ToList(), trained, input, options, TorchSharp.torch.CPU, progress, cancel);
        return (scored, model);
    }

    [Fact]
    public void RowsWithoutLabelsAreEncodedWithTheTrainingSplitsVocabularyAndMomentsNotRefittedOnThemselves()
    {
        using var trained = TrainedStore();
        // Refitted on these rows, the vocabulary would hold 'b' (twice) and the mean would be 5.
        var input = Write("score.tsv", "7\tb\n2\ta\n6\tb\n");

        var (scored, model) = Score(trained, input, new RawRowOptions(Labelled: false));

        float deviation = (float)Math.Sqrt(2.0 / 3);
        Assert.Equal(new[] { (7 - 2) / deviation, 0f, (6 - 2) / deviation }, model.Rows.Select(r => r.Dense), new FloatTolerance(1e-5f));
        Assert.Equal(new long[] { 0, 1, 0 }, model.Rows.Select(r => r.Sparse));
        Assert.Equal(new[] { 0f, 0f, 0f }, scored.Scores.Labels.ToArray());
        Assert.Equal(new long[] { 0, 1, 2 }, scored.SourceRows);
        Assert.False(scored.Labelled);
    }

    [Fact]
    public void LabelledRowsToScoreKeepTheirLabelsAndBadOnesAreNamedOrSkippedWithTheirNumbersLeftOut()
    {
        using var trained = TrainedStore();
        var input = Write("score.tsv", "1\t7\tb\n0\tx\ta\n1\t6\ta\n");

        var error = Assert.Throws<DataException>(() => Score(trained, input, new RawRowOptions()));
        Assert.Contains("score.tsv:2", error.Message, StringComparison.Ordinal);

        var (scored, _) = Score(trained, input, new RawRowOptions(SkipBadRows: true));
        Assert.Equal(new[] { 1f, 1f }, scored.Scores.Labels.ToArray());
        Assert.Equal(new long[] { 0, 2 }, scored.SourceRows);
        Assert.Equal(1, scored.BadRows.Skipped);
        Assert.Equal(new Dictionary<string, long> { ["non-numeric dense values"] = 1 }, scored.BadRows.Counts);
    }

    [Fact]
    public void AHeaderWithoutTheLabelColumnIsRefusedUnlessTheRowsAreDeclaredUnlabelled()
    {
        using var trained = TrainedStore(VocabularyYaml.Replace("source: { format: tsv }", "source: { format: csv, header: true }"),
            "y,n,c\n1,1,a\n0,3,a\n0,2,b\n", "y,n,c\n1,5,z\n0,5,z\n", "csv");
        var input = Write("score.csv", "c,n\na,2\n");

        var error = Assert.Throws<DataException>(() => Score(trained, input, new RawRowOptions()));
        Assert.Contains("the label reads column 'y', which the file does not have: rows without their label column? ('nasrec predict --no-labels' scores those)", error.Message, StringComparison.Ordinal);

        var (_, model) = Score(trained, input, new RawRowOptions(Labelled: false));
        Assert.Equal(new long[] { 1 }, model.Rows.Select(r => r.Sparse));
    }

    [Fact]
    public void ScoringRawRowsNumbersThemReportsTheBytesReadAndWritesNothing()
    {
        using var trained = TrainedStore();
        var input = Write("score.tsv", "7\tb\n2\ta\n6\tb\n");
        var before = Directory.GetFileSystemEntries(folder.FullName, "*", SearchOption.AllDirectories);
        using var model = new LogisticRegression(trained.Schema);
        var reports = new List<PrepareProgress>();

        var scored = RawRowScoring.Score(model, trained.Schema.TableSizes(null).ToList(), trained, input, new RawRowOptions(Labelled: false),
            TorchSharp.torch.CPU, new SynchronousProgress(reports));

        Assert.Equal(new long[] { 0, 1, 2 }, scored.SourceRows);
        Assert.Equal(3, scored.Scores.Count);
        // Row 1 (n = 2, 'a') encodes to the mean, 0, and the vocabulary's first row.
        using (TorchSharp.torch.no_grad())
        using (var logit = model.call(TorchSharp.torch.zeros(1, 1), TorchSharp.torch.ones(1, 1, TorchSharp.torch.int64)))
            Assert.Equal(logit.item<float>(), scored.Scores.Logits[1], 6);
        Assert.Equal(new[] { "scoring" }, reports.Select(r => r.Phase).Distinct());
        Assert.Equal((new FileInfo(input).Length, new FileInfo(input).Length, 3L), (reports[^1].Done, reports[^1].Total, reports[^1].Rows));
        Assert.Equal(before, Directory.GetFileSystemEntries(folder.FullName, "*", SearchOption.AllDirectories));
        scored.WriteCsv(PathOf("scores.csv"));
        Assert.Equal("row,probability", File.ReadLines(PathOf("scores.csv")).First());
    }

    [Fact]
    public void RowsOfSeveralFilesStreamThroughFullEvaluationBatchesNumberedAcrossTheFiles()
    {
        using var trained = TrainedStore();
        int size = RecipeDefaults.EvaluationBatchSize, first = size / 2 + 3;
        Directory.CreateDirectory(PathOf("rows"));
        Write("rows/a.tsv", string.Concat(Enumerable.Range(0, first).Select(i => $"{i % 2}\t{i}\ta\n")));
        Write("rows/b.tsv", string.Concat(Enumerable.Range(first, size + 1 - first).Select(i => $"{i % 2}\t{i}\ta\n")));

        var (scored, model) = Score(trained, PathOf("rows"), new RawRowOptions());

        Assert.Equal(new[] { size, 1 }, model.BatchSizes);
        Assert.Equal(Enumerable.Range(0, size + 1).Select(i => (long)i), scored.SourceRows);
        Assert.Equal(Enumerable.Range(0, size + 1).Select(i => (float)(i % 2)), scored.Scores.Labels.ToArray());
        float deviation = (float)Math.Sqrt(2.0 / 3);
        Assert.Equal(Enumerable.Range(0, size + 1).Select(i => (i - 2) / deviation), model.Rows.Select(r => r.Dense), new FloatTolerance(2e-3f));
    }

    [Fact]
    public void ABadRowAfterBatchesWereScoredStillStopsTheScoringNamingItsLine()
    {
        using var trained = TrainedStore();
        int good = 2 * RecipeDefaults.EvaluationBatchSize + 5;
        var input = Write("score.tsv", string.Concat(Enumerable.Repeat("1\t7\ta\n", good)) + "1\tx\ta\n");

        var error = Assert.Throws<DataException>(() => Score(trained, input, new RawRowOptions()));

        Assert.Contains($"score.tsv:{good + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelThatFailsStopsTheReadingAndItsErrorComesThrough()
    {
        using var trained = TrainedStore();
        // Far more batches than the reader may fill ahead: it waits for a slot the failed model never hands back.
        var input = Write("score.tsv", string.Concat(Enumerable.Repeat("1\t7\ta\n", 10 * RecipeDefaults.EvaluationBatchSize)));
        var model = new RecordingModel(failAfter: 1);

        var error = Assert.Throws<InvalidOperationException>(() => RawRowScoring.Score(model, trained.Schema.TableSizes(null).ToList(), trained, input,
            new RawRowOptions(), TorchSharp.torch.CPU));

        Assert.Equal("the model failed", error.Message);
    }

    [Fact]
    public void ScoringStopsWhenCancelled()
    {
        using var trained = TrainedStore();
        var input = Write("score.tsv", string.Concat(Enumerable.Repeat("7\tb\n", RecipeDefaults.EvaluationBatchSize + 1)));
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress([], _ => cancel.Cancel());

        Assert.ThrowsAny<OperationCanceledException>(() => Score(trained, input, new RawRowOptions(Labelled: false), progress, cancel.Token));
    }

    [Fact]
    public async Task ParquetRowsWithoutTheLabelColumnAreReadWhenDeclaredUnlabelled()
    {
        using var trained = TrainedStore();
        // The same store as a parquet dataset's: rows to score read the store's dataset document and its fitted encodings.
        var parquetYaml = VocabularyYaml.Replace("source: { format: tsv }", "source: { format: parquet }");
        File.WriteAllText(Path.Combine(trained.Directory, StoreFiles.Dataset), parquetYaml);
        using var asParquet = DataStore.Open(trained.Directory);
        var fields = new Parquet.Schema.DataField[] { new Parquet.Schema.DataField<double>("n"), new Parquet.Schema.DataField<string>("c") };
        var input = PathOf("score.parquet");
        await using (var file = File.Create(input))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), file))
        {
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<double>(fields[0], new[] { 2.0, 7.0 }.AsMemory());
            await rowGroup.WriteAsync(fields[1], new[] { "a", "b" });
        }

        var error = Assert.Throws<DataException>(() => Score(asParquet, input, new RawRowOptions()));
        var (_, model) = Score(asParquet, input, new RawRowOptions(Labelled: false));

        Assert.Contains("the label reads column 'y'", error.Message, StringComparison.Ordinal);
        Assert.Equal(new long[] { 1, 0 }, model.Rows.Select(r => r.Sparse));
    }

    [Fact]
    public void LibsvmRowsAlwaysHoldTheirLabelSoUnlabelledOnesAreRefused()
    {
        const string libsvm = """
            kind: Dataset
            name: Svm
            source: { format: libsvm }
            label: y
            dense:
              transform: zero
              features: [d]
            sparse:
              features:
                - { name: c, tableSize: 10 }
            """;
        using var trained = TrainedStore(libsvm, "1 0:3\n0 0:4\n", "1 0:3\n0 0:4\n", "svm");

        var error = Assert.Throws<DataException>(() => Score(trained, Write("score.svm", "0:3\n"), new RawRowOptions(Labelled: false)));

        Assert.Contains("libsvm rows always hold their label", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStoreWhoseVocabularyFileIsGoneCannotEncodeRowsToScore()
    {
        using var trained = TrainedStore();
        File.Delete(Path.Combine(trained.Directory, StoreFiles.Vocabularies, "c.tsv"));

        var error = Assert.Throws<DataException>(() => TrainingEncoder.Load(trained));

        Assert.Contains("c.tsv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRawRowsDescriptionHoldsTheLayoutTheFittedMomentsAndACopyOfEachVocabulary()
    {
        using var trained = TrainedStore();

        var description = RawRowsDescription.Describe(trained, folder.FullName, PathOf("export.vocabularies"));

        Assert.Equal("tsv", (string)description["format"]!);
        Assert.False((bool)description["header"]!);
        Assert.Equal(["y", "n", "c"], description["columns"]!.AsArray().Select(column => (string)column!));
        Assert.Equal("y", (string)description["label"]!);
        var dense = description["dense"]![0]!;
        Assert.Equal(("n", "standardize"), ((string)dense["column"]!, (string)dense["transform"]!));
        Assert.Equal(2.0, (double)dense["mean"]!, 12);
        Assert.Equal(Math.Sqrt(2.0 / 3), (double)dense["deviation"]!, 12);
        var sparse = description["sparse"]![0]!;
        Assert.Equal(("c", "vocabulary"), ((string)sparse["column"]!, (string)sparse["encoding"]!));
        Assert.Equal("export.vocabularies/c.tsv", (string)sparse["vocabulary"]!);
        Assert.Equal(File.ReadAllText(Path.Combine(trained.Directory, StoreFiles.Vocabularies, "c.tsv")), File.ReadAllText(PathOf("export.vocabularies/c.tsv")));
    }

    /// <summary>A model that keeps the rows it is given (the dataset's one dense and one sparse feature) and scores each 0; it throws at batch <c>failAfter</c> + 1.</summary>
    private sealed class RecordingModel(int failAfter = int.MaxValue)
        : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>(nameof(RecordingModel))
    {
        public List<(float Dense, long Sparse)> Rows { get; } = new();

        public List<int> BatchSizes { get; } = new();

        public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor dense, TorchSharp.torch.Tensor sparse)
        {
            if (BatchSizes.Count == failAfter) throw new InvalidOperationException("the model failed");
            var (values, ids) = (dense.data<float>().ToArray(), sparse.data<long>().ToArray());
            Rows.AddRange(values.Zip(ids));
            BatchSizes.Add(values.Length);
            return TorchSharp.torch.zeros(values.Length, 1);
        }
    }

    /// <summary>Progress kept as reported, on the reporting thread (Progress&lt;T&gt; would post it elsewhere, later).</summary>
    private sealed class SynchronousProgress(List<PrepareProgress> reports, Action<PrepareProgress>? then = null) : IProgress<PrepareProgress>
    {
        public void Report(PrepareProgress value)
        {
            lock (reports) reports.Add(value);
            then?.Invoke(value);
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
