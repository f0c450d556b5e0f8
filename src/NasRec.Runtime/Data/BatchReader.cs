using System.Collections;
using System.Collections.Concurrent;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;
using static TorchSharp.torch;

namespace NasRec.Runtime.Data;

/// <summary>
/// Batches of one split of a <see cref="DataStore"/>, built from the memory-mapped rows on a
/// background thread (at most <see cref="BatchOptions.Prefetch"/> ahead) into a few reused
/// tensors: no allocation per row or per full batch. Each enumeration reads the same batches in the
/// same order. A batch is valid until the enumerator advances (see <see cref="Batch"/>).
/// </summary>
public sealed class BatchReader : IEnumerable<Batch>, IDisposable
{
    private readonly IReadOnlyList<MappedRows> segments;
    private readonly BatchOptions options;
    private readonly SparseRowModulo modulo;
    private readonly BatchPlan plan;

    internal BatchReader(IReadOnlyList<MappedRows> segments, int denseWidth, int sparseWidth, BatchOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "The batch size must be at least 1.");
        if (options.TableSizes.Count != sparseWidth)
            throw new ArgumentException($"{options.TableSizes.Count} table sizes given; the store has {sparseWidth} sparse features.", nameof(options));
        this.segments = segments;
        this.options = options;
        DenseWidth = denseWidth;
        SparseWidth = sparseWidth;
        modulo = new SparseRowModulo(options.TableSizes);
        plan = new BatchPlan(segments, options);
    }

    /// <summary>Batches an enumeration yields (after <see cref="BatchOptions.SkipBatches"/>).</summary>
    public long Batches => plan.Count;

    public int DenseWidth { get; }

    public int SparseWidth { get; }

    public IEnumerator<Batch> GetEnumerator() => new Enumerator(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The reader only borrows the store's mappings; disposing the store releases them.</summary>
    public void Dispose() { }

    /// <summary>Copies rows [row, row + count) of a segment into slot rows [offset, …).</summary>
    private void Fill(BatchSlot slot, int segment, long row, int count, int offset)
    {
        var source = segments[segment];
        slot.Fill(offset, source.Labels(row, count), source.Dense(row, count), source.Sparse(row, count), modulo);
    }

    /// <summary>
    /// Runs the producers (two when prefetching allows, so that building batches keeps up with memory
    /// speed): producer w builds batches w, w + P, w + 2P, … into slots of its own, and the consumer
    /// takes them in batch order, handing each slot back to its producer when it advances.
    /// </summary>
    private sealed class Enumerator : IEnumerator<Batch>
    {
        private readonly Producer[] producers;
        private readonly CancellationTokenSource stop = new();
        private long next;
        private (Producer Owner, BatchSlot Slot)? current;

        public Enumerator(BatchReader reader)
        {
            int count = reader.options.Prefetch >= 2 && reader.plan.Count > 1 ? 2 : 1;
            int ahead = Math.Max(1, reader.options.Prefetch / count);
            producers = Enumerable.Range(0, count).Select(w => new Producer(reader, w, count, ahead, stop.Token)).ToArray();
        }

        public Batch Current { get; private set; } = null!;

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (current is var (owner, slot)) owner.Free.Add(slot);
            current = null;
            var producer = producers[next % producers.Length];
            if (!producer.Filled.TryTake(out var filled, Timeout.Infinite))
            {
                if (producers.FirstOrDefault(p => p.Failure is not null)?.Failure is { } failure)
                    throw new DataException("Reading batches failed: " + failure.Message, failure);
                return false;
            }
            next++;
            current = (producer, filled.Slot);
            Current = filled.Slot.Take(filled.Size);
            return true;
        }

        public void Reset() => throw new NotSupportedException("Enumerate the reader again instead.");

        public void Dispose()
        {
            stop.Cancel();
            foreach (var producer in producers) producer.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>One background thread filling its own slots with every <c>stride</c>-th batch.</summary>
    private sealed class Producer : IDisposable
    {
        private readonly List<BatchSlot> slots = new();
        private readonly Task task;

        public Producer(BatchReader reader, int first, int stride, int ahead, CancellationToken stop)
        {
            Filled = new BlockingCollection<(BatchSlot, int)>(ahead);
            for (int i = 0; i < ahead + 1; i++)
            {
                var slot = new BatchSlot(reader.options.BatchSize, reader.DenseWidth, reader.SparseWidth);
                slots.Add(slot);
                Free.Add(slot);
            }
            task = Task.Factory.StartNew(() => Produce(reader, first, stride, stop), TaskCreationOptions.LongRunning);
        }

        public BlockingCollection<BatchSlot> Free { get; } = new();

        public BlockingCollection<(BatchSlot Slot, int Size)> Filled { get; }

        public Exception? Failure { get; private set; }

        public void Dispose()
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException) { }
            foreach (var slot in slots) slot.Dispose();
            Free.Dispose();
            Filled.Dispose();
        }

        private void Produce(BatchReader reader, int first, int stride, CancellationToken stop)
        {
            try
            {
                BatchSlot slot = null!;
                Action<int, long, int, int> fill = (segment, row, count, offset) => reader.Fill(slot, segment, row, count, offset);
                for (long b = first; b < reader.plan.Count; b += stride)
                {
                    slot = Free.Take(stop);
                    int size = reader.plan.Visit(b, fill);
                    Filled.Add((slot, size), stop);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e)
            {
                Failure = e;
            }
            finally
            {
                Filled.CompleteAdding();
            }
        }
    }
}
