using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Security.Cryptography;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Sources;
using NasRec.Runtime.Data.Splitting;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// <c>nasrec data prepare</c>: raw input to a <see cref="DataStore"/>. The input is parsed once into
/// a staging area in file order (memory: a few chunks); the labels then give the folds; the staged
/// rows are copied into their splits, finishing the encodings that need the training split
/// (vocabulary, standardize). Everything is written under a temporary folder renamed into place
/// when complete, so an interrupted prepare never leaves a store that looks whole.
/// </summary>
public sealed class DataPreparer
{
    private const string Staging = "staging";

    /// <summary>The split of a row that goes nowhere (the reference's lost first line).</summary>
    internal const byte Dropped = byte.MaxValue;

    /// <summary>Rows gathered per split before <see cref="Distribute"/> writes them.</summary>
    private const int PendingRows = 4096;
    private readonly DatasetSchema schema;
    private readonly string schemaText;
    private readonly PrepareOptions options;
    private readonly IProgress<PrepareProgress>? progress;

    public DataPreparer(DatasetSchema schema, string schemaText, PrepareOptions options, IProgress<PrepareProgress>? progress = null)
    {
        this.schema = schema;
        this.schemaText = schemaText;
        this.options = options;
        this.progress = progress;
    }

    /// <summary>Prepares <paramref name="input"/> into <paramref name="output"/> (which must not exist); returns the manifest and any notes for the user.</summary>
    public (StoreManifest Manifest, IReadOnlyList<string> Notes) Prepare(string input, string output, CancellationToken cancel = default)
    {
        if (Directory.Exists(output) || File.Exists(output)) throw new DataException($"{output}: already exists; remove it or choose another output");
        if (options.ReferenceOffByOne && (options.Split != SplitMode.Stratified || schema.Source.Header))
            throw new DataException("--reference-off-by-one reproduces the split tool's bug on headerless inputs (Criteo, KDD); it does not apply here");
        var plan = InputPlan.Resolve(input, options.Split);
        var source = SourceFor(schema, plan);
        foreach (var (path, _) in plan.Files) source.Probe(path);

        var parent = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, "." + Path.GetFileName(output) + ".partial-" + Path.GetRandomFileName());
        Directory.CreateDirectory(temporary);
        try
        {
            var result = PrepareInto(plan, source, temporary, cancel);
            Directory.Move(temporary, output);
            return result;
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    private static IRowSource SourceFor(DatasetSchema schema, InputPlan plan) => schema.Source.Format switch
    {
        DataFormat.Parquet => new ParquetSource(schema),
        DataFormat.Libsvm => new TextSource(schema, new LibsvmRewriter(schema.DenseFeatures.Count)),
        DataFormat.Kdd2012 => new TextSource(schema, new Kdd2012Rewriter(Kdd2012Rewriter.LoadProfiles(plan.Files[0].Path))),
        _ => new TextSource(schema),
    };

    private (StoreManifest, IReadOnlyList<string>) PrepareInto(InputPlan plan, IRowSource source, string folder, CancellationToken cancel)
    {
        var notes = new List<string>();
        var staging = Directory.CreateDirectory(Path.Combine(folder, Staging)).FullName;
        var bad = new BadRows(options.SkipBadRows);
        var (sources, splitOfFile, rowsPerFile) = Stage(plan, source, staging, bad, cancel);
        if (plan.ReferenceShards) notes.Add(ShardCheck(plan, sources));

        using (var staged = new MappedRows(staging, Staging, schema.DenseFeatures.Count, schema.SparseFeatures.Count, staging: true))
        {
            if (staged.Rows == 0) throw new DataException("The input holds no good rows");
            var splitOf = SplitOfRows(staged, splitOfFile, rowsPerFile);
            var encoder = TrainingEncoder.Fit(schema, staged, splitOf);
            var summaries = Distribute(staged, splitOf, encoder, folder, cancel);
            encoder.Save(Path.Combine(folder, StoreFiles.Vocabularies));

            var manifest = new StoreManifest(
                StoreManifest.CurrentFormat,
                ToolVersion(),
                DateTimeOffset.UtcNow,
                schema.Name,
                Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(schemaText))),
                new SplitSettings(options.Split, PrepareOptions.Folds, PrepareOptions.Seed, options.ReferenceOffByOne),
                sources,
                summaries,
                new BadRowSummary(bad.Total, bad.Counts.ToDictionary(c => c.Key, c => c.Value), bad.FirstExamples.Select(e => e.Message).ToList()),
                encoder.Moments,
                encoder.VocabularySizes);
            File.WriteAllText(Path.Combine(folder, StoreFiles.Dataset), schemaText);
            File.WriteAllText(Path.Combine(folder, StoreFiles.Manifest), manifest.ToJson());
            Directory.Delete(staging, recursive: true);
            return (manifest, notes);
        }
    }

    /// <summary>Parses every input file into the staging rows, in order.</summary>
    private (List<SourceFile>, DataSplit?[], long[]) Stage(InputPlan plan, IRowSource source, string staging, BadRows bad, CancellationToken cancel)
    {
        var sources = new List<SourceFile>();
        var rowsPerFile = new long[plan.Files.Count];
        long totalBytes = plan.TotalBytes;
        long doneBytes = 0;
        long row = 0;
        using (var writer = new RowFileWriter(staging, Staging, staging: true))
        {
            for (int f = 0; f < plan.Files.Count; f++)
            {
                var path = plan.Files[f].Path;
                bool md5 = plan.ReferenceShards && Path.GetFileName(Path.GetDirectoryName(path)) == "shard-0";
                using var input = new InputFile(path, md5);
                long before = writer.Rows;
                source.Read(input, row, bad, block =>
                {
                    cancel.ThrowIfCancellationRequested();
                    writer.Append(block, 0, block.Count);
                    progress?.Report(new PrepareProgress("reading", doneBytes + input.Position, totalBytes, writer.Rows));
                });
                row += source.RowsRead;
                rowsPerFile[f] = writer.Rows - before;
                var (sha256, md5Sum) = input.Hashes();
                sources.Add(new SourceFile(path, input.Size, sha256, md5Sum));
                doneBytes += input.Size;
            }
            writer.Flush(durable: false);
        }
        return (sources, plan.Files.Select(f => f.Split).ToArray(), rowsPerFile);
    }

    /// <summary>The split of every staged row (a byte each, <see cref="Dropped"/> for none): from its file, or the reference's stratified folds of the labels.</summary>
    private byte[] SplitOfRows(MappedRows staged, DataSplit?[] splitOfFile, long[] rowsPerFile)
    {
        var splits = new byte[staged.Rows];
        if (options.Split == SplitMode.None)
        {
            long r = 0;
            for (int f = 0; f < rowsPerFile.Length; f++)
            {
                splits.AsSpan((int)r, (int)rowsPerFile[f]).Fill((byte)splitOfFile[f]!.Value);
                r += rowsPerFile[f];
            }
            return splits;
        }

        progress?.Report(new PrepareProgress("splitting", 0, staged.Rows, staged.Rows));
        var labels = staged.Labels(0, checked((int)staged.Rows));
        byte[] folds;
        try
        {
            folds = StratifiedKFold.Folds(labels, PrepareOptions.Folds, PrepareOptions.Seed);
        }
        catch (ArgumentException e)
        {
            throw new DataException($"The input cannot be split 8/1/1 stratified: {e.Message}", e);
        }
        // The reference's bug: the fold of row c lands on row c + 1, row 0 is lost, the last fold unused.
        int shift = options.ReferenceOffByOne ? 1 : 0;
        if (shift == 1) splits[0] = Dropped;
        for (long r = shift; r < splits.Length; r++)
        {
            int fold = folds[r - shift];
            splits[r] = (byte)(fold < 8 ? DataSplit.Train : fold == 8 ? DataSplit.Val : DataSplit.Test);
        }
        return splits;
    }

    /// <summary>Copies the staged rows into their split files; counts rows, positives and missing values; writes indices when asked.</summary>
    private Dictionary<string, SplitSummary> Distribute(MappedRows staged, byte[] splitOf, TrainingEncoder encoder, string folder, CancellationToken cancel)
    {
        int nd = schema.DenseFeatures.Count, ns = schema.SparseFeatures.Count;
        // Indexed by the split's value: Train, Val, Test.
        var writers = StoreFiles.Splits.Select(s => new RowFileWriter(folder, s.Stem, staging: false)).ToArray();
        var counters = StoreFiles.Splits.Select(_ => new SplitCounter(nd, ns)).ToArray();
        StreamWriter[]? indices = null;
        if (options.WriteIndices)
        {
            var indexFolder = Directory.CreateDirectory(Path.Combine(folder, StoreFiles.Indices)).FullName;
            indices = StoreFiles.Splits.Select(s => new StreamWriter(Path.Combine(indexFolder, s.Stem + ".txt"))).ToArray();
        }
        try
        {
            // Rows are gathered per split and written a block at a time: per-row writes cost more than the copy.
            var pending = StoreFiles.Splits.Select(_ => new RowBlock(nd, ns)).ToArray();
            for (long r = 0; r < staged.Rows; r++)
            {
                int split = splitOf[r];
                if (split == Dropped) continue;
                if ((r & 0xFFFF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                    progress?.Report(new PrepareProgress("writing", r, staged.Rows, r));
                }
                var block = pending[split];
                int row = block.Add(r);
                var dense = block.DenseOf(row);
                var sparse = block.SparseOf(row);
                staged.Dense(r).CopyTo(dense);
                staged.Sparse(r).CopyTo(sparse);
                encoder.Apply(dense, sparse);
                byte label = block.Label(row) = staged.Label(r);
                counters[split].Count(label, staged.Missing(r), sparse);
                if (indices is not null)
                {
                    indices[split].Write(staged.SourceRow(r).ToString(CultureInfo.InvariantCulture));
                    indices[split].Write('\n');
                }
                if (block.Count == PendingRows) WritePending(writers[split], block);
            }
            for (int split = 0; split < writers.Length; split++) WritePending(writers[split], pending[split]);
            foreach (var writer in writers) writer.Flush(durable: true);
            foreach (var index in indices ?? []) index.Flush();
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
            foreach (var index in indices ?? []) index.Dispose();
        }
        return StoreFiles.Splits.ToDictionary(s => s.Stem, s => counters[(int)s.Split].Summary());
    }

    private static void WritePending(RowFileWriter writer, RowBlock block)
    {
        writer.Append(block, 0, block.Count);
        block.Clear();
    }

    private static string ShardCheck(InputPlan plan, IReadOnlyList<SourceFile> sources)
    {
        var shardZero = sources.Where(s => s.Md5 is not null).ToDictionary(s => Path.GetFileNameWithoutExtension(s.Path), s => s.Md5!);
        return ReferenceShardSums.Match(shardZero) is { } dataset
            ? $"shard-0 matches the MD5 sums the reference README publishes for {dataset}"
            : "warning: shard-0's MD5 sums match none the reference README publishes (Criteo, Avazu, KDD): these shards differ from the reference's";
    }

    private static string ToolVersion() =>
        "nasrec " + (typeof(DataPreparer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    /// <summary>Rows, positives and missing values of one split.</summary>
    private sealed class SplitCounter(int denseWidth, int sparseWidth)
    {
        private readonly long[] denseMissing = new long[denseWidth];
        private readonly long[] sparseMissing = new long[sparseWidth];
        private long rows;
        private long positives;

        public void Count(byte label, ReadOnlySpan<byte> missingMask, ReadOnlySpan<long> sparse)
        {
            rows++;
            positives += label;
            // Visit only the set bits, and count missing sparse values without a branch: both are in the per-row loop.
            for (int b = 0; b < missingMask.Length; b++)
            {
                for (uint bits = missingMask[b]; bits != 0; bits &= bits - 1)
                {
                    denseMissing[b * 8 + BitOperations.TrailingZeroCount(bits)]++;
                }
            }
            for (int i = 0; i < sparse.Length; i++)
            {
                sparseMissing[i] += (long)((ulong)sparse[i] >> 63);
            }
        }

        public SplitSummary Summary() => new(rows, positives, denseMissing, sparseMissing);
    }
}
