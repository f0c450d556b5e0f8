using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using NasRec.Runtime.Data.Encodings;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Sources;
using NasRec.Runtime.Data.Splitting;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// <c>nasrec data prepare</c>: raw input to a <see cref="DataStore"/>, streaming the input twice as
/// the reference's split tool does: a first pass reads only the labels, which give the stratified
/// folds; the second parses every row straight into the files of its split. Encodings that need the
/// training split (vocabulary, standardize) are then fitted on it and applied in place. Memory: a
/// few chunks, plus about 2 bytes per row for the split (the labels and their folds, which become
/// each row's split). Everything is written under a temporary folder renamed into place when
/// complete, so an interrupted prepare never leaves a store that looks whole.
/// </summary>
public sealed class DataPreparer
{
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
        if (options.ReferenceOffByOne && (options.Split != SplitMode.Stratified || schema.Source.Header))
            throw new DataException("--reference-off-by-one reproduces the split tool's bug on headerless inputs (Criteo, KDD); it does not apply here");
        return Prepare(InputPlan.Resolve(input, options.Split), output, cancel);
    }

    private (StoreManifest Manifest, IReadOnlyList<string> Notes) Prepare(InputPlan plan, string output, CancellationToken cancel)
    {
        if (Directory.Exists(output) || File.Exists(output)) throw new DataException($"{output}: already exists; remove it or choose another output");
        var source = RowSources.For(schema, labelled: true, plan.Files[0].Path);
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

    private (StoreManifest, IReadOnlyList<string>) PrepareInto(InputPlan plan, IRowSource source, string folder, CancellationToken cancel)
    {
        var notes = new List<string>();
        var bad = new BadRows(options.SkipBadRows);
        using var hashes = new SourceHashes(plan.Files.Select(f => f.Path), path => plan.ReferenceShards && Path.GetFileName(Path.GetDirectoryName(path)) == "shard-0");
        var splits = options.Split == SplitMode.None
            ? plan.Files.Select(f => RowSplits.All(f.Split!.Value)).ToList()
            : Enumerable.Repeat(RowSplits.PerRow(SplitsOfLabels(plan, source, cancel)), plan.Files.Count).ToList();
        var summaries = Write(plan, source, splits, bad, folder, cancel);
        if (summaries.Values.Sum(s => s.Rows) == 0) throw new DataException("The input holds no good rows");
        var sources = hashes.Finish();
        if (plan.ReferenceShards) notes.Add(ShardCheck(sources));
        var encoder = FinishEncodings(folder, summaries);
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
            bad.ToSummary(),
            encoder.Moments,
            encoder.VocabularySizes);
        File.WriteAllText(Path.Combine(folder, StoreFiles.Dataset), schemaText);
        File.WriteAllText(Path.Combine(folder, StoreFiles.Manifest), manifest.ToJson());
        return (manifest, notes);
    }

    /// <summary>
    /// The first pass: every row's label, then the split of every row from the reference's stratified folds
    /// (a byte each, <see cref="RowSplits.Nowhere"/> for none). A row whose label does not read takes no fold
    /// and goes nowhere; the second pass reports it.
    /// </summary>
    private byte[] SplitsOfLabels(InputPlan plan, IRowSource source, CancellationToken cancel)
    {
        var labels = new List<byte>();
        long done = 0;
        foreach (var (path, _) in plan.Files)
        {
            using var input = new InputFile(path);
            source.ReadLabels(input, labels, () =>
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(new PrepareProgress("reading labels", done + input.Position, plan.TotalBytes, labels.Count));
            });
            done += input.Size;
        }

        var all = CollectionsMarshal.AsSpan(labels);
        int readable = all.Length - all.Count(LabelValue.Unread);
        var readableLabels = readable == all.Length ? all : all.ToArray().Where(l => l != LabelValue.Unread).ToArray();
        byte[] folds;
        try
        {
            folds = StratifiedKFold.Folds(readableLabels, PrepareOptions.Folds, PrepareOptions.Seed);
        }
        catch (ArgumentException e)
        {
            throw new DataException($"The input cannot be split 8/1/1 stratified: {e.Message}", e);
        }

        // Row r takes the fold of the k-th readable row; with the reference's bug, the fold of the one before
        // (the first row is lost, the last fold unused). Back to front, so that the folds become the splits in place.
        int shift = options.ReferenceOffByOne ? 1 : 0;
        var splits = readable == all.Length ? folds : new byte[all.Length];
        int k = readable;
        for (int r = all.Length - 1; r >= 0; r--)
        {
            if (all[r] == LabelValue.Unread)
            {
                splits[r] = RowSplits.Nowhere;
                continue;
            }
            k--;
            int fold = k - shift < 0 ? -1 : folds[k - shift];
            splits[r] = fold < 0 ? RowSplits.Nowhere : (byte)(fold < 8 ? DataSplit.Train : fold == 8 ? DataSplit.Val : DataSplit.Test);
        }
        return splits;
    }

    /// <summary>
    /// The second pass: parses every row into the files of its split; counts rows, positives and missing
    /// values; writes indices when asked.
    /// </summary>
    private Dictionary<string, SplitSummary> Write(InputPlan plan, IRowSource source, IReadOnlyList<RowSplits> splits, BadRows bad, string folder,
        CancellationToken cancel)
    {
        int nd = schema.DenseFeatures.Count, ns = schema.SparseFeatures.Count;
        // Indexed by the split's value: Train, Val, Test.
        var writers = StoreFiles.Splits.Select(s => new RowFileWriter(folder, s.Stem)).ToArray();
        var counters = StoreFiles.Splits.Select(_ => new SplitCounter(nd, ns)).ToArray();
        StreamWriter[]? indices = null;
        if (options.WriteIndices)
        {
            var indexFolder = Directory.CreateDirectory(Path.Combine(folder, StoreFiles.Indices)).FullName;
            indices = StoreFiles.Splits.Select(s => new StreamWriter(Path.Combine(indexFolder, s.Stem + ".txt"))).ToArray();
        }
        try
        {
            long row = 0, done = 0, written = 0;
            for (int f = 0; f < plan.Files.Count; f++)
            {
                var path = plan.Files[f].Path;
                using var input = new InputFile(path);
                source.Read(input, row, splits[f], bad, (split, block) =>
                {
                    cancel.ThrowIfCancellationRequested();
                    counters[(int)split].Count(block);
                    if (indices is not null) WriteIndices(indices[(int)split], block);
                    writers[(int)split].Append(block);
                    written += block.Count;
                    progress?.Report(new PrepareProgress("writing", done + input.Position, plan.TotalBytes, written));
                });
                row += source.RowsRead;
                done += input.Size;
            }
            foreach (var writer in writers) writer.Flush();
            foreach (var index in indices ?? []) index.Flush();
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
            foreach (var index in indices ?? []) index.Dispose();
        }
        return StoreFiles.Splits.ToDictionary(s => s.Stem, s => counters[(int)s.Split].Summary());
    }

    private static void WriteIndices(StreamWriter index, RowBlock block)
    {
        foreach (long sourceRow in block.SourceRows)
        {
            index.Write(sourceRow.ToString(CultureInfo.InvariantCulture));
            index.Write('\n');
        }
    }

    /// <summary>Fits the training split's encodings, if the dataset has any, and applies them to every split in place (an unknown value becomes missing: the counts follow).</summary>
    private TrainingEncoder FinishEncodings(string folder, Dictionary<string, SplitSummary> summaries)
    {
        if (!TrainingEncoder.Needed(schema)) return TrainingEncoder.None(schema);
        int nd = schema.DenseFeatures.Count, ns = schema.SparseFeatures.Count;
        TrainingEncoder encoder;
        using (var train = new MappedRows(folder, StoreFiles.Stem(DataSplit.Train), nd, ns)) encoder = TrainingEncoder.Fit(schema, train);
        foreach (var (_, stem) in StoreFiles.Splits)
        {
            using var rows = new MappedRows(folder, stem, nd, ns, writable: true);
            summaries[stem] = summaries[stem] with { SparseMissing = encoder.Apply(rows) };
        }
        return encoder;
    }

    private static string ShardCheck(IReadOnlyList<SourceFile> sources)
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Count(RowBlock block)
        {
            rows += block.Count;
            foreach (byte label in block.Labels) positives += label;
            // Visit only the set bits, and count missing sparse values (the sign bit) without a branch, four at a time: both are per row.
            var masks = block.Missing;
            for (int row = 0; row < masks.Length; row += block.MaskWidth)
            {
                for (int b = 0; b < block.MaskWidth; b++)
                {
                    for (uint bits = masks[row + b]; bits != 0; bits &= bits - 1)
                    {
                        denseMissing[b * 8 + BitOperations.TrailingZeroCount(bits)]++;
                    }
                }
            }
            var sparse = block.Sparse;
            ref long missing = ref MemoryMarshal.GetArrayDataReference(sparseMissing);
            int vectorWidth = sparseWidth - sparseWidth % Vector256<long>.Count;
            for (int row = 0; row < sparse.Length; row += sparseWidth)
            {
                ref long values = ref sparse[row];
                int i = 0;
                for (; i < vectorWidth; i += Vector256<long>.Count)
                {
                    var counts = Vector256.LoadUnsafe(ref missing, (nuint)i) + Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref values, (nuint)i), 63);
                    counts.StoreUnsafe(ref missing, (nuint)i);
                }
                for (; i < sparseWidth; i++)
                {
                    Unsafe.Add(ref missing, i) += (long)((ulong)Unsafe.Add(ref values, i) >> 63);
                }
            }
        }

        public SplitSummary Summary() => new(rows, positives, denseMissing, sparseMissing);
    }
}
