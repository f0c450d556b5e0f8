using System.Text;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Tests.Data;

/// <summary>Batch orders over a store whose rows carry their own number in a dense column.</summary>
public sealed class BatchOrderTests : IDisposable
{
    private const string Yaml = """
        kind: Dataset
        name: Numbered
        source: { format: tsv }
        label: y
        dense: { transform: none, features: [n] }
        sparse:
          features:
            - { name: c, tableSize: 10 }
        """;

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-batches-");
    private readonly DataStore store;

    public BatchOrderTests()
    {
        // train rows 0..19, val rows 100..104, test 200.
        var split = Directory.CreateDirectory(Path.Combine(folder.FullName, "in")).FullName;
        File.WriteAllText(Path.Combine(split, "train.tsv"), Rows(0, 20));
        File.WriteAllText(Path.Combine(split, "val.tsv"), Rows(100, 5));
        File.WriteAllText(Path.Combine(split, "test.tsv"), Rows(200, 1));
        var schema = (DatasetSchema)DocumentParser.Parse("numbered.dataset.yaml", Yaml).Document!;
        new DataPreparer(schema, Yaml, new PrepareOptions(Split: SplitMode.None)).Prepare(split, Path.Combine(folder.FullName, "store"));
        store = DataStore.Open(Path.Combine(folder.FullName, "store"));
    }

    public void Dispose()
    {
        store.Dispose();
        folder.Delete(recursive: true);
    }

    private static string Rows(int first, int count)
    {
        var text = new StringBuilder();
        for (int i = first; i < first + count; i++) text.Append($"{i % 2}\t{i}\t{i:x}\n");
        return text.ToString();
    }

    private List<int[]> Batches(DataSplit split, BatchOptions options)
    {
        using var reader = store.Read(split, options);
        var batches = reader.Select(b => b.Dense.data<float>().ToArray().Select(v => (int)v).ToArray()).ToList();
        Assert.Equal(reader.Batches, batches.Count);
        return batches;
    }

    private static BatchOptions Options(int size) => new(size, new long[] { 10 });

    [Fact]
    public void SequentialBatchesFollowTheStoredOrderWithAPartialLastBatch()
    {
        var batches = Batches(DataSplit.Train, Options(8));

        Assert.Equal(new[] { 8, 8, 4 }, batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 20), batches.SelectMany(b => b));
    }

    [Fact]
    public void TrainValIsTrainThenVal()
    {
        Assert.Equal(Enumerable.Range(0, 20).Concat(Enumerable.Range(100, 5)), Batches(DataSplit.TrainVal, Options(7)).SelectMany(b => b));
    }

    [Fact]
    public void RoundRobinShardsInterleaveTheReferencesShardBatches()
    {
        // 20 rows in 8 shards: round(20 / 8) = 2 rows each (half to even), so 10 shards of 2; batches of 1 taken in turn.
        var batches = Batches(DataSplit.Train, Options(1) with { Order = BatchOrder.RoundRobinShards });

        Assert.Equal(new[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19 }, batches.Select(b => b[0]));
    }

    [Fact]
    public void RoundRobinTrainValShardsAreTrainPieceThenValPiece()
    {
        // train 20 rows → pieces of 2 (10 shards), val 5 rows → pieces of round(0.625) = 1 (5 shards); shard k = train piece k ++ val piece k.
        var batches = Batches(DataSplit.TrainVal, Options(3) with { Order = BatchOrder.RoundRobinShards });

        Assert.Equal(new[] { 0, 1, 100 }, batches[0]);
        Assert.Equal(new[] { 2, 3, 101 }, batches[1]);
        Assert.Equal(new[] { 10, 11 }, batches[5]);
        Assert.Equal(25, batches.Sum(b => b.Length));
    }

    [Fact]
    public void ShuffledOrderDependsOnSeedAndEpochOnly()
    {
        var first = Batches(DataSplit.Train, Options(6) with { Order = BatchOrder.Shuffled, Seed = 3, Epoch = 1 });
        var again = Batches(DataSplit.Train, Options(6) with { Order = BatchOrder.Shuffled, Seed = 3, Epoch = 1 });
        var next = Batches(DataSplit.Train, Options(6) with { Order = BatchOrder.Shuffled, Seed = 3, Epoch = 2 });

        Assert.Equal(first, again);
        Assert.NotEqual(first.SelectMany(b => b), next.SelectMany(b => b));
        Assert.Equal(Enumerable.Range(0, 20), first.SelectMany(b => b).Order());
    }

    [Fact]
    public void MaxRowsIsAPrefixAndSkipBatchesResumesTheSameOrder()
    {
        var all = Batches(DataSplit.Train, Options(4) with { Order = BatchOrder.Shuffled, Seed = 9 }).SelectMany(b => b).ToList();

        var prefix = Batches(DataSplit.Train, Options(4) with { Order = BatchOrder.Shuffled, Seed = 9, MaxRows = 10 });
        var resumed = Batches(DataSplit.Train, Options(4) with { Order = BatchOrder.Shuffled, Seed = 9, SkipBatches = 3 });

        Assert.Equal(new[] { 4, 4, 2 }, prefix.Select(b => b.Length));
        Assert.Equal(all.Take(10), prefix.SelectMany(b => b));
        Assert.Equal(all.Skip(12), resumed.SelectMany(b => b));
    }

    [Fact]
    public void LabelsAndSparseRowsTravelWithTheirRow()
    {
        using var reader = store.Read(DataSplit.Val, Options(5));
        // A batch lives until the enumerator moves on: check it inside the loop.
        foreach (var batch in reader)
        {
            Assert.Equal(new float[] { 0, 1, 0, 1, 0 }, batch.Label.data<float>().ToArray());
            Assert.Equal(new long[] { 100 % 9 + 1, 101 % 9 + 1, 102 % 9 + 1, 103 % 9 + 1, 104 % 9 + 1 }, batch.Sparse.data<long>().ToArray());
            Assert.Equal(new long[] { 5, 1 }, batch.Label.shape);
        }
    }
}
