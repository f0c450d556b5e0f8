using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data;

/// <summary>
/// Which stored rows make each batch, for one order. Rows are addressed as runs (segment, first row,
/// count) of the split's segments (TrainVal: train, then val), so sequential and round-robin batches
/// copy whole runs; a shuffled batch is runs of one row.
/// </summary>
internal sealed class BatchPlan
{
    private readonly long[] segmentStarts;
    private readonly (int Shard, long Start, int Count)[]? shardBatches;
    private readonly List<(int Segment, long Start, long Count)>[]? shards;
    private readonly int[]? permutation;
    private readonly long rows;
    private readonly int batchSize;

    public BatchPlan(IReadOnlyList<MappedRows> segments, BatchOptions options)
    {
        batchSize = options.BatchSize;
        segmentStarts = new long[segments.Count + 1];
        for (int s = 0; s < segments.Count; s++) segmentStarts[s + 1] = segmentStarts[s] + segments[s].Rows;
        long total = segmentStarts[^1];
        rows = Math.Min(total, options.MaxRows ?? long.MaxValue);

        switch (options.Order)
        {
            case BatchOrder.Shuffled:
                if (total > int.MaxValue) throw new DataException($"Shuffling {total} rows is not supported (at most 2^31 - 1)");
                permutation = Permutation((int)total, options.Seed, options.Epoch);
                break;
            case BatchOrder.RoundRobinShards:
                shards = Shards(segments, options.Shards);
                shardBatches = RoundRobin(shards, batchSize, rows);
                break;
        }
        long all = shardBatches?.Length ?? (rows + batchSize - 1) / batchSize;
        First = Math.Min(options.SkipBatches, all);
        Count = all - First;
    }

    /// <summary>Batches left after the skipped ones.</summary>
    public long Count { get; }

    private long First { get; }

    /// <summary>Calls <paramref name="run"/> for the runs of batch <paramref name="index"/> (0 = the first not skipped), in batch order.</summary>
    public int Visit(long index, Action<int, long, int, int> run)
    {
        long batch = First + index;
        if (shardBatches is not null)
        {
            var (shard, start, count) = shardBatches[batch];
            int offset = 0;
            foreach (var (segment, segmentStart, length) in shards![shard])
            {
                if (start >= length) { start -= length; continue; }
                int take = (int)Math.Min(length - start, count - offset);
                run(segment, segmentStart + start, take, offset);
                offset += take;
                start = 0;
                if (offset == count) break;
            }
            return count;
        }
        long first = batch * batchSize;
        int size = (int)Math.Min(batchSize, rows - first);
        if (permutation is not null)
        {
            for (int i = 0; i < size; i++)
            {
                var (segment, row) = Locate(permutation[first + i]);
                run(segment, row, 1, i);
            }
            return size;
        }
        int done = 0;
        while (done < size)
        {
            var (segment, row) = Locate(first + done);
            int take = (int)Math.Min(size - done, segmentStarts[segment + 1] - segmentStarts[segment] - row);
            run(segment, row, take, done);
            done += take;
        }
        return size;
    }

    private (int Segment, long Row) Locate(long logical)
    {
        int segment = 0;
        while (logical >= segmentStarts[segment + 1]) segment++;
        return (segment, logical - segmentStarts[segment]);
    }

    /// <summary>Fisher-Yates over 0..n-1 with a generator seeded by (seed, epoch).</summary>
    private static int[] Permutation(int n, int seed, int epoch)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var random = new Random(unchecked(seed * 1_000_003 + epoch) & int.MaxValue);
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The reference's shards: each segment cut into pieces of round(n / shards) rows (Python's
    /// round-half-even; a short last piece, and in edge cases one piece more than asked), shard k
    /// being piece k of every segment in turn (TrainVal: train piece k, then val piece k).
    /// </summary>
    internal static List<(int Segment, long Start, long Count)>[] Shards(IReadOnlyList<MappedRows> segments, int shardCount)
    {
        var shards = new List<List<(int, long, long)>>();
        for (int s = 0; s < segments.Count; s++)
        {
            long n = segments[s].Rows;
            long piece = Math.Max(1, (long)Math.Round((double)n / shardCount, MidpointRounding.ToEven));
            int k = 0;
            for (long start = 0; start < n; start += piece, k++)
            {
                while (shards.Count <= k) shards.Add(new List<(int, long, long)>());
                shards[k].Add((s, start, Math.Min(piece, n - start)));
            }
        }
        return shards.ToArray();
    }

    /// <summary>Batches within each shard (the last one of a shard partial), taken shard by shard in turn; cut after <paramref name="limit"/> rows.</summary>
    private static (int, long, int)[] RoundRobin(List<(int Segment, long Start, long Count)>[] shards, int batchSize, long limit)
    {
        var sizes = shards.Select(shard => shard.Sum(run => run.Count)).ToArray();
        var result = new List<(int, long, int)>();
        long taken = 0;
        for (long b = 0; taken < limit; b++)
        {
            bool any = false;
            for (int k = 0; k < shards.Length && taken < limit; k++)
            {
                long start = b * batchSize;
                if (start >= sizes[k]) continue;
                int count = (int)Math.Min(Math.Min(batchSize, sizes[k] - start), limit - taken);
                result.Add((k, start, count));
                taken += count;
                any = true;
            }
            if (!any) break;
        }
        return result.ToArray();
    }
}
