using System.IO.Compression;
using System.Text;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;
using NasRec.Runtime.Tests.Data.Preparation;

namespace NasRec.Runtime.Tests.Data;

/// <summary>Raw files the tests write, prepared into a store and read back as batches.</summary>
public sealed class PrepareTests : IDisposable
{
    private const string TinyTsv = """
        kind: Dataset
        name: Tiny
        source:
          format: tsv
        label: y
        dense:
          features: [n1, n2]
        sparse:
          features:
            - { name: c1, tableSize: 1000 }
            - { name: c2, tableSize: 5 }
        """;

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-data-");

    public void Dispose() => folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(folder.FullName, name);

    private static DatasetSchema Schema(string yaml) => (DatasetSchema)DocumentParser.Parse("tiny.dataset.yaml", yaml).Document!;

    private string Write(string name, string text, bool gzip = false)
    {
        var path = PathOf(name);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    private DataStore Prepare(string yaml, string input, PrepareOptions? options = null, string store = "store")
    {
        new DataPreparer(Schema(yaml), yaml, options ?? new PrepareOptions(Split: SplitMode.None)).Prepare(input, PathOf(store));
        return DataStore.Open(PathOf(store));
    }

    /// <summary>The rows of a split read as batches: labels, dense values, sparse rows.</summary>
    private static List<(float Label, float[] Dense, long[] Sparse)> ReadAll(DataStore store, DataSplit split, BatchOptions options)
    {
        var rows = new List<(float, float[], long[])>();
        using var reader = store.Read(split, options);
        foreach (var batch in reader)
        {
            var label = batch.Label.data<float>().ToArray();
            var dense = batch.Dense.data<float>().ToArray();
            var sparse = batch.Sparse.data<long>().ToArray();
            int nd = (int)batch.Dense.shape[1], ns = (int)batch.Sparse.shape[1];
            for (int i = 0; i < batch.Size; i++) rows.Add((label[i], dense[(i * nd)..((i + 1) * nd)], sparse[(i * ns)..((i + 1) * ns)]));
        }
        return rows;
    }

    private string SplitFolder(string train, string val, string test, bool gzip = false)
    {
        var split = Directory.CreateDirectory(PathOf("split")).FullName;
        Write("split/train.tsv" + (gzip ? ".gz" : ""), train, gzip);
        Write("split/val.tsv", val);
        Write("split/test.tsv", test);
        return split;
    }

    [Fact]
    public void TsvRowsComeBackAsTheReferencesModelInputs()
    {
        var input = SplitFolder("1\t3\t\t68fd1e64\t\r\n0\t-2\t7\t\t3\n", "0\t0\t0\t0\t0\n", "1\t1\t1\t1\t1");
        using var store = Prepare(TinyTsv, input);

        var train = ReadAll(store, DataSplit.Train, new BatchOptions(256, new long[] { 1000, 5 }));

        Assert.Equal(2, train.Count);
        Assert.Equal((1f, new[] { (float)Math.Log(4), 0f }, new[] { 0x68fd1e64L % 999 + 1, 0L }), (train[0].Label, train[0].Dense, train[0].Sparse), RowComparer.Instance);
        Assert.Equal((0f, new[] { 0f, (float)Math.Log(8) }, new[] { 0L, 3L % 4 + 1 }), (train[1].Label, train[1].Dense, train[1].Sparse), RowComparer.Instance);
        Assert.Equal(new long[] { 2, 1, 1 }, new[] { DataSplit.Train, DataSplit.Val, DataSplit.Test }.Select(store.Rows));
        Assert.Equal(3, store.Rows(DataSplit.TrainVal));
        Assert.Equal(new long[] { 1, 1 }, store.Manifest.Of(DataSplit.Train).SparseMissing);
        Assert.Equal(new long[] { 0, 1 }, store.Manifest.Of(DataSplit.Train).DenseMissing);
    }

    [Fact]
    public void TheFingerprintNamesTheRowsNotWhereOrWhenTheyWerePrepared()
    {
        var input = SplitFolder("1\t3\t\t68fd1e64\t\n0\t-2\t7\t\t3\n", "0\t0\t0\t0\t0\n", "1\t1\t1\t1\t1\n");
        string first, again, other;
        using (var store = Prepare(TinyTsv, input, store: "first")) first = store.Manifest.Fingerprint();
        using (var store = Prepare(TinyTsv, input, store: "again")) again = store.Manifest.Fingerprint();
        File.WriteAllText(Path.Combine(input, "train.tsv"), "1\t3\t\t68fd1e64\t\n0\t-2\t7\t\t4\n");
        using (var store = Prepare(TinyTsv, input, store: "other")) other = store.Manifest.Fingerprint();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AnInputTooSmallForTheStratifiedSplitSaysSoInTheUsersWords()
    {
        var input = Write("five.tsv", "1\t0\t0\t0\t0\n0\t0\t0\t0\t0\n1\t0\t0\t0\t0\n0\t0\t0\t0\t0\n0\t0\t0\t0\t0\n");

        var error = Assert.Throws<DataException>(() => Prepare(TinyTsv, input, new PrepareOptions()));

        Assert.Equal("The input cannot be split 8/1/1 stratified: Cannot split 5 rows into 10 folds: every fold needs at least one row.", error.Message);
    }

    [Fact]
    public void TheSameStoreServesCappedAndFullTables()
    {
        using var store = Prepare(TinyTsv, SplitFolder("1\t0\t0\tffffff\t1\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n"));

        var full = ReadAll(store, DataSplit.Train, new BatchOptions(4, new long[] { 1000, 5 }))[0].Sparse;
        var capped = ReadAll(store, DataSplit.Train, new BatchOptions(4, new long[] { 10, 5 }))[0].Sparse;

        Assert.Equal(0xffffffL % 999 + 1, full[0]);
        Assert.Equal(0xffffffL % 9 + 1, capped[0]);
    }

    [Theory]
    [InlineData("c2")] // every column read once, one not at all
    [InlineData("c")]  // a column read by two features
    public void TsvColumnsMapByNameInAnyOrderUnreadOrReadTwice(string secondColumn)
    {
        var yaml = $$"""
            kind: Dataset
            name: Named
            source:
              format: tsv
              header: true
            label: y
            dense:
              transform: none
              features: [{ name: n1, column: n }]
            sparse:
              features:
                - { name: s1, tableSize: 1000, column: c }
                - { name: s2, tableSize: 5, column: {{secondColumn}} }
            """;
        const string header = "c\tunread\tn\tc2\ty\n";
        using var store = Prepare(yaml, SplitFolder(header + "ff\tx\t7\t0a\t1\n\tx\t\t\t0\n", header + "1\tx\t2\t3\t0\n", header + "1\tx\t2\t3\t0\n"));

        var rows = ReadAll(store, DataSplit.Train, new BatchOptions(4, new long[] { 1000, 5 }));
        long second = secondColumn == "c" ? 0xff : 0x0a;
        Assert.Equal((1f, 7f, 0xffL % 999 + 1, second % 4 + 1), (rows[0].Label, rows[0].Dense[0], rows[0].Sparse[0], rows[0].Sparse[1]));
        Assert.Equal((0f, 0f, 0L, 0L), (rows[1].Label, rows[1].Dense[0], rows[1].Sparse[0], rows[1].Sparse[1]));
    }

    [Fact]
    public void GzipInputReadsLikeThePlainFile()
    {
        const string rows = "1\t3\t4\tab\t1\n0\t5\t6\tcd\t2\n";
        using var plain = Prepare(TinyTsv, SplitFolder(rows, "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n"), store: "plain");
        Directory.Delete(PathOf("split"), recursive: true);
        using var zipped = Prepare(TinyTsv, SplitFolder(rows, "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n", gzip: true), store: "zipped");

        var options = new BatchOptions(8, new long[] { 1000, 5 });
        Assert.Equal(ReadAll(plain, DataSplit.Train, options), ReadAll(zipped, DataSplit.Train, options), RowComparer.Instance);
    }

    [Fact]
    public void CsvWithHeaderAndQuotingMapsColumnsByName()
    {
        var split = Directory.CreateDirectory(PathOf("split")).FullName;
        Write("split/train.csv", "item,unused,click,price\r\n\"a, \"\"quoted\"\" item\",x,1,2.5\r\nplain,y,0,3\r\n");
        Write("split/val.csv", "item,unused,click,price\nv,z,0,1\n");
        using var store = Prepare(ShopCsv, split);

        var rows = ReadAll(store, DataSplit.Train, new BatchOptions(8, new long[] { 100 }));

        var expected = new TableModulo100("a, \"quoted\" item");
        Assert.Equal(2.5f, rows[0].Dense[0]);
        Assert.Equal(expected.Row, rows[0].Sparse[0]);
        Assert.Equal(1f, rows[0].Label);
        Assert.Equal(0, store.Rows(DataSplit.Test));
    }

    private const string ShopCsv = """
        kind: Dataset
        name: Shop
        source: { format: csv, header: true }
        label: click
        dense:
          transform: none
          features: [price]
        sparse:
          encoding: hash
          features:
            - { name: item, tableSize: 100 }
        """;

    [Fact]
    public void CsvQuotedFieldsMayHoldNewlinesAndLaterLinesKeepTheirNumbers()
    {
        // Enough records for the chunk to be cut into parts: a cut at a newline inside quotes would split a record.
        var text = new StringBuilder("item,click,price\n");
        for (int i = 0; i < 2000; i++) text.Append(i % 2 == 0 ? "\"two\nlines\"" : "\"three\r\nline\ns\"").Append($",{i % 2},{i}\n");
        text.Append("x,0,not a number\n");
        Directory.CreateDirectory(PathOf("split"));
        Write("split/train.csv", text.ToString());
        Write("split/val.csv", "item,click,price\nv,0,1\n");

        using var store = Prepare(ShopCsv, PathOf("split"), new PrepareOptions(Split: SplitMode.None, SkipBadRows: true));

        var rows = ReadAll(store, DataSplit.Train, new BatchOptions(256, new long[] { 100 }));
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (float)i), rows.Select(r => r.Dense[0]));
        Assert.Equal(new TableModulo100("two\nlines").Row, rows[0].Sparse[0]);
        Assert.Equal(new TableModulo100("three\r\nline\ns").Row, rows[1].Sparse[0]);
        // The header, then 1000 records of two lines and 1000 of three: the bad record is on line 5002.
        Assert.Contains("train.csv:5002, column 3 (price): expected a number", Assert.Single(store.Manifest.BadRows.Examples), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnclosedQuoteIsReportedAtTheLineItOpens()
    {
        Directory.CreateDirectory(PathOf("split"));
        Write("split/train.csv", "item,click,price\nok,1,2\n\"never closed,1,2\nmore,0,1\n");
        Write("split/val.csv", "item,click,price\nv,0,1\n");

        var error = Assert.Throws<DataException>(() => Prepare(ShopCsv, PathOf("split")));

        Assert.Contains("train.csv:3: expected 3 columns, found a quoted field that does not close", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithSkipBadRowsTheFoldsComeFromTheLabelsThatReadAndEachBadRowCountsOnce()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++) text.Append(i % 4 == 0 ? '1' : '0').Append($"\t{i}\t0\t{i:x}\t0\n");
        text.Append("x\t1\t1\t1\t1\n").Append("1\tnan?\t1\t1\t1\n");

        using var store = Prepare(TinyTsv, Write("all.tsv", text.ToString()), new PrepareOptions(SkipBadRows: true, WriteIndices: true));

        Assert.Equal(new Dictionary<string, long> { ["bad labels"] = 1, ["non-numeric dense values"] = 1 }, store.Manifest.BadRows.Counts);
        var indices = new[] { "train", "val", "test" }.SelectMany(s => File.ReadAllLines(Path.Combine(store.Directory, "indices", s + ".txt")).Select(long.Parse)).Order();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), indices);
    }

    [Fact]
    public async Task ParquetRowGroupsReadTypedValuesAndAdvanceTheProgressOneByOne()
    {
        const string yaml = """
            kind: Dataset
            name: Typed
            source: { format: parquet }
            label: y
            dense:
              transform: none
              features: [price, count]
            sparse:
              encoding: decimal-or-hex
              features:
                - { name: id, tableSize: 1000 }
            """;
        var fields = new Parquet.Schema.DataField[] { new Parquet.Schema.DataField<bool>("y"), new Parquet.Schema.DataField<double>("price"),
            new Parquet.Schema.DataField<short?>("count"), new Parquet.Schema.DataField<long>("id") };
        var split = Directory.CreateDirectory(PathOf("pq")).FullName;
        var train = Path.Combine(split, "train.parquet");
        await using (var file = File.Create(train))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), file))
        {
            for (int group = 0; group < 3; group++)
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync<bool>(fields[0], new[] { group == 1, false }.AsMemory());
                await rowGroup.WriteAsync<double>(fields[1], new[] { group + 0.5, 2.0 }.AsMemory());
                await rowGroup.WriteAsync<short>(fields[2], new short?[] { (short)group, null }.AsMemory());
                await rowGroup.WriteAsync<long>(fields[3], new[] { 10L * group, 1234L }.AsMemory());
            }
        }
        File.Copy(train, Path.Combine(split, "val.parquet"));
        var reports = new List<PrepareProgress>();

        new DataPreparer(Schema(yaml), yaml, new PrepareOptions(Split: SplitMode.None), new Reports(reports)).Prepare(split, PathOf("store"));
        using var store = DataStore.Open(PathOf("store"));

        var rows = ReadAll(store, DataSplit.Train, new BatchOptions(8, new long[] { 1000 }));
        Assert.Equal(new[] { 0f, 0, 1, 0, 0, 0 }, rows.Select(r => r.Label));
        Assert.Equal(new[] { 0.5f, 2, 1.5f, 2, 2.5f, 2 }, rows.Select(r => r.Dense[0]));
        Assert.Equal(new[] { 0f, 0, 1, 0, 2, 0 }, rows.Select(r => r.Dense[1]));
        Assert.Equal(new long[] { 0 % 999 + 1, 1234 % 999 + 1, 10 % 999 + 1, 1234 % 999 + 1, 20 % 999 + 1, 1234 % 999 + 1 }, rows.Select(r => r.Sparse[0]));
        long size = new FileInfo(train).Length;
        Assert.Equal(new[] { size / 3, size * 2 / 3, size }, reports.Where(r => r.Phase == "writing").Select(r => r.Done).Take(3));
    }

    /// <summary>Progress kept as reported, on the reporting thread.</summary>
    private sealed class Reports(List<PrepareProgress> reports) : IProgress<PrepareProgress>
    {
        public void Report(PrepareProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }

    [Fact]
    public void ParquetWithNullsReadsLikeTheSameRowsInTsv()
    {
        const string yaml = """
            kind: Dataset
            name: Tiny
            source: { format: parquet }
            label: y
            dense:
              features: [n1, n2]
            sparse:
              features:
                - { name: c1, tableSize: 1000 }
                - { name: c2, tableSize: 5 }
            """;
        var split = Directory.CreateDirectory(PathOf("pq")).FullName;
        WriteParquet(Path.Combine(split, "train.parquet"), new[] { 1, 0 }, new long?[] { 3, -2 }, new long?[] { null, 7 }, new[] { "68fd1e64", null }, new[] { null, "3" });
        WriteParquet(Path.Combine(split, "val.parquet"), new[] { 0 }, new long?[] { 0 }, new long?[] { 0 }, new[] { "0" }, new[] { "0" });
        using var parquet = Prepare(yaml, split, store: "from-parquet");
        using var tsv = Prepare(TinyTsv, SplitFolder("1\t3\t\t68fd1e64\t\n0\t-2\t7\t\t3\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n"), store: "from-tsv");

        var options = new BatchOptions(8, new long[] { 1000, 5 });
        Assert.Equal(ReadAll(tsv, DataSplit.Train, options), ReadAll(parquet, DataSplit.Train, options), RowComparer.Instance);
        Assert.Equal(tsv.Manifest.Of(DataSplit.Train).DenseMissing, parquet.Manifest.Of(DataSplit.Train).DenseMissing);
    }

    [Fact]
    public void AStratifiedParquetInputSplitsLikeTheSameRowsInTsv()
    {
        var labels = Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? 1 : 0).ToArray();
        var values = Enumerable.Range(0, 40).Select(i => (long?)i).ToArray();
        var hex = Enumerable.Range(0, 40).Select(i => (string?)i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        WriteParquet(PathOf("all.parquet"), labels, values, values, hex, hex);
        var tsv = string.Concat(Enumerable.Range(0, 40).Select(i => $"{labels[i]}\t{i}\t{i}\t{hex[i]}\t{hex[i]}\n"));

        using var fromParquet = Prepare(TinyTsv.Replace("format: tsv", "format: parquet", StringComparison.Ordinal), PathOf("all.parquet"), new PrepareOptions(), "from-parquet");
        using var fromTsv = Prepare(TinyTsv, Write("all.tsv", tsv), new PrepareOptions(), "from-tsv");

        var options = new BatchOptions(64, new long[] { 1000, 5 });
        foreach (var split in new[] { DataSplit.Train, DataSplit.Val, DataSplit.Test })
            Assert.Equal(ReadAll(fromTsv, split, options), ReadAll(fromParquet, split, options), RowComparer.Instance);
    }

    [Fact]
    public void AnUnreadableParquetFileIsADataError()
    {
        var split = Directory.CreateDirectory(PathOf("pq")).FullName;
        Write("pq/train.parquet", "PAR1 this is not parquet");
        Write("pq/val.parquet", "neither");

        var error = Assert.Throws<DataException>(() => Prepare(TinyTsv.Replace("format: tsv", "format: parquet", StringComparison.Ordinal), split));

        Assert.Contains("train.parquet: not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    private static void WriteParquet(string path, int[] label, long?[] n1, long?[] n2, string?[] c1, string?[] c2)
    {
        var fields = new Parquet.Schema.DataField[] { new Parquet.Schema.DataField<int>("y"), new Parquet.Schema.DataField<long?>("n1"), new Parquet.Schema.DataField<long?>("n2"),
            new Parquet.Schema.DataField<string>("c1"), new Parquet.Schema.DataField<string>("c2") };
        var schema = new Parquet.Schema.ParquetSchema(fields);
        Task.Run(async () =>
        {
            await using var file = File.Create(path);
            await using var writer = await Parquet.ParquetWriter.CreateAsync(schema, file);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(fields[0], label.AsMemory());
            await group.WriteAsync<long>(fields[1], n1.AsMemory());
            await group.WriteAsync<long>(fields[2], n2.AsMemory());
            await group.WriteAsync(fields[3], c1);
            await group.WriteAsync(fields[4], c2);
        }).GetAwaiter().GetResult();
    }

    [Fact]
    public void ReferenceShardsAreReadInShardOrderAndShardZeroIsCheckedAgainstThePublishedSums()
    {
        var root = Directory.CreateDirectory(PathOf("shards")).FullName;
        foreach (var (shard, first) in new[] { ("shard-0", 0), ("shard-1", 10) })
        {
            Directory.CreateDirectory(Path.Combine(root, shard));
            Write($"shards/{shard}/train.txt", $"1\t{first}\t0\t0\t0\n0\t{first + 1}\t0\t0\t0\n");
            Write($"shards/{shard}/val.txt", $"0\t{first + 2}\t0\t0\t0\n");
            Write($"shards/{shard}/test.txt", $"0\t{first + 3}\t0\t0\t0\n");
            Write($"shards/{shard}/trainval.txt", "not read\n");
        }
        var (manifest, notes) = new DataPreparer(Schema(TinyTsv), TinyTsv, new PrepareOptions(Split: SplitMode.None)).Prepare(root, PathOf("store"));

        Assert.Equal((4L, 2L, 2L), (manifest.Of(DataSplit.Train).Rows, manifest.Of(DataSplit.Val).Rows, manifest.Of(DataSplit.Test).Rows));
        Assert.Equal(3, manifest.Sources.Count(s => s.Md5 is not null));
        Assert.StartsWith("warning: shard-0's MD5 sums match none", Assert.Single(notes), StringComparison.Ordinal);
        foreach (var source in manifest.Sources)
        {
            var bytes = File.ReadAllBytes(source.Path);
            Assert.Equal((bytes.LongLength, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))), (source.Size, source.Sha256));
            Assert.Equal(source.Path.Contains("shard-0", StringComparison.Ordinal) ? Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)) : null, source.Md5);
        }
    }

    [Fact]
    public void ThePublishedShardSumsIdentifyTheirDataset()
    {
        var criteo = new Dictionary<string, string>
        {
            ["train"] = "4b8757a78fdb260f6ae9b72e05dca400", ["val"] = "91b0ff0a10d7a0cd2a6d59da9e5900b9", ["test"] = "5d8fea15e6f9c48a0a64b4a5bf971cc4",
        };

        Assert.Equal("Criteo", ReferenceShardSums.Match(criteo));
        Assert.Null(ReferenceShardSums.Match(new Dictionary<string, string>(criteo) { ["val"] = "00000000000000000000000000000000" }));
    }

    [Fact]
    public void StratifiedSplitIsTheReferences811()
    {
        // 40 rows, 10 positive: every fold holds one positive and three negatives.
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++) text.Append(i % 4 == 0 ? '1' : '0').Append($"\t{i}\t0\t{i:x}\t0\n");
        using var store = Prepare(TinyTsv, Write("all.tsv", text.ToString()), new PrepareOptions(WriteIndices: true));

        Assert.Equal((32L, 4L, 4L), (store.Rows(DataSplit.Train), store.Rows(DataSplit.Val), store.Rows(DataSplit.Test)));
        Assert.Equal((8L, 1L, 1L), (store.Manifest.Of(DataSplit.Train).Positives, store.Manifest.Of(DataSplit.Val).Positives, store.Manifest.Of(DataSplit.Test).Positives));
        var indices = new[] { "train", "val", "test" }.SelectMany(s => File.ReadAllLines(Path.Combine(store.Directory, "indices", s + ".txt")).Select(long.Parse)).Order();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), indices);
    }

    [Fact]
    public void ReferenceOffByOneDropsTheFirstLine()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++) text.Append(i % 4 == 0 ? '1' : '0').Append($"\t{i}\t0\t{i:x}\t0\n");
        using var store = Prepare(TinyTsv, Write("all.tsv", text.ToString()), new PrepareOptions(ReferenceOffByOne: true, WriteIndices: true));

        Assert.Equal(39, store.Rows(DataSplit.Train) + store.Rows(DataSplit.Val) + store.Rows(DataSplit.Test));
        Assert.DoesNotContain("0", File.ReadAllLines(Path.Combine(store.Directory, "indices", "train.txt")));
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "1\t3\t4\tab\n", "train.tsv:1: expected 5 columns, found 4" },
        { "1\t3\t4\tab\t1\t2\t3\n", "train.tsv:1: expected 5 columns, found 7" },
        { "1\t3\t4\tab\t1\n1\tx\t4\tab\t1\n", "train.tsv:2, column 2 (n1): expected a number, found 'x'" },
        { "1\t3\t4\tzz\t1\n", "train.tsv:1, column 4 (c1): expected a hexadecimal value below 2^63 (hex-modulo), found 'zz'" },
        { "2\t3\t4\tab\t1\n", "train.tsv:1, column 1 (y): expected a label 0 or 1, found '2'" },
        { "1\t3\t4\tab\t1\n0\t3\t4", "train.tsv:2: expected 5 columns, found 3" },
        // Lines longer than the parser's 32-byte delimiter search, fields on both sides of the boundary.
        { "1\t3333333333333333\t4444444444444444\tzz\t1\n", "train.tsv:1, column 4 (c1): expected a hexadecimal value below 2^63 (hex-modulo), found 'zz'" },
        { "1\t3333333333333333333333333333333333\t4\n", "train.tsv:1: expected 5 columns, found 3" },
        { "1\t3\t4\tab\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\n", "train.tsv:1: expected 5 columns, found 17" },
        { "", "train.tsv: the file is empty" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadRowsStopThePrepareNamingFileLineAndColumn(string train, string message)
    {
        var input = SplitFolder(train, "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n");

        var error = Assert.Throws<DataException>(() => Prepare(TinyTsv, input));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("store")));
        Assert.Empty(Directory.GetDirectories(folder.FullName, ".store.partial-*"));
    }

    [Fact]
    public void SkipBadRowsCountsThemPerKindAndKeepsTheRest()
    {
        var input = SplitFolder("1\t3\t4\tab\t1\n1\tx\t4\tab\t1\n1\t3\n2\t3\t4\tab\t1\n0\t1\t1\t1\t1\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n");

        using var store = Prepare(TinyTsv, input, new PrepareOptions(Split: SplitMode.None, SkipBadRows: true));

        Assert.Equal(2, store.Rows(DataSplit.Train));
        Assert.Equal(3, store.Manifest.BadRows.Skipped);
        Assert.Equal(new Dictionary<string, long> { ["bad labels"] = 1, ["non-numeric dense values"] = 1, ["rows with a wrong column count"] = 1 },
            store.Manifest.BadRows.Counts);
        Assert.Contains("train.tsv:2, column 2 (n1)", store.Manifest.BadRows.Examples[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithOtherColumnsThanDeclaredFailsBeforeAnyWork()
    {
        var input = SplitFolder("1\t3\t4\tab\t1\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\t0\n");

        var error = Assert.Throws<DataException>(() => Prepare(TinyTsv, input));

        Assert.Contains("test.tsv:1: expected 5 columns, found 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInterruptedPrepareLeavesNoStore()
    {
        var input = SplitFolder("1\t3\t4\tab\t1\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new DataPreparer(Schema(TinyTsv), TinyTsv, new PrepareOptions(Split: SplitMode.None)).Prepare(input, PathOf("store"), cancel.Token));

        Assert.Equal(new[] { "split" }, Directory.GetFileSystemEntries(folder.FullName).Select(Path.GetFileName));
    }

    [Fact]
    public void OpeningAnIncompleteStoreSaysSo()
    {
        using (Prepare(TinyTsv, SplitFolder("1\t3\t4\tab\t1\n", "0\t0\t0\t0\t0\n", "0\t0\t0\t0\t0\n"))) { }
        File.WriteAllBytes(Path.Combine(PathOf("store"), "train.sparse"), new byte[3]);

        var error = Assert.Throws<DataException>(() => DataStore.Open(PathOf("store")));

        Assert.Contains("incomplete or corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such store", Assert.Throws<DataException>(() => DataStore.Open(PathOf("nothing"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VocabularyAndStandardizeAreFittedOnTheTrainingSplitOnly()
    {
        const string yaml = RowsToScoreTests.VocabularyYaml;
        // train: n = 1, 3, 2 (mean 2, deviation sqrt(2/3)); c: 'a' twice, 'b' once (below minCount); val's 'z' is never in the vocabulary.
        var split = Directory.CreateDirectory(PathOf("split")).FullName;
        Write("split/train.tsv", "1\t1\ta\n0\t3\ta\n0\t2\tb\n");
        Write("split/val.tsv", "1\t5\tz\n0\t5\tz\n0\t5\tz\n");
        using var store = Prepare(yaml, split);

        var train = ReadAll(store, DataSplit.Train, new BatchOptions(8, new long[] { 10 }));
        var val = ReadAll(store, DataSplit.Val, new BatchOptions(8, new long[] { 10 }));

        Assert.Equal(new long[] { 1, 1, 0 }, train.Select(r => r.Sparse[0]));
        Assert.All(val, r => Assert.Equal(0, r.Sparse[0]));
        Assert.Equal(2.0, store.Manifest.Standardized["n"].Mean, 6);
        Assert.Equal((float)((5 - 2) / Math.Sqrt(2.0 / 3)), val[0].Dense[0], 4);
        Assert.Equal(1, store.Manifest.VocabularySizes["c"]);
    }

    /// <summary>The row of a hash-encoded text in a 100-row table.</summary>
    private sealed class TableModulo100(string text)
    {
        public long Row { get; } = new NasRec.Runtime.Data.Encodings.TableModulo(100).Row(
            NasRec.Runtime.Data.Encodings.CategoricalValue.TryEncode(Encoding.UTF8.GetBytes(text), CategoricalEncoding.Hash, out var v) ? v : -2);
    }

    /// <summary>Rows compared by value (arrays included).</summary>
    private sealed class RowComparer : IEqualityComparer<(float Label, float[] Dense, long[] Sparse)>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals((float Label, float[] Dense, long[] Sparse) x, (float Label, float[] Dense, long[] Sparse) y) =>
            x.Label == y.Label && x.Dense.SequenceEqual(y.Dense) && x.Sparse.SequenceEqual(y.Sparse);

        public int GetHashCode((float Label, float[] Dense, long[] Sparse) obj) => obj.Label.GetHashCode();
    }
}
