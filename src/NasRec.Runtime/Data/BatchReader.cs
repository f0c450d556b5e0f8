using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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
    private readonly TableModulo[] modulo;
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
        modulo = options.TableSizes.Select(size => new TableModulo(size)).ToArray();
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

    /// <summary>Copies rows [row, row + count) of a segment into slot rows [offset, …): labels, dense values, sparse rows after the modulo.</summary>
    private void Fill(Slot slot, int segment, long row, int count, int offset)
    {
        var source = segments[segment];
        var labels = source.Labels(row, count);
        for (int i = 0; i < count; i++) slot.Label[offset + i] = labels[i];
        source.Dense(row, count).CopyTo(slot.Dense.Slice(offset * DenseWidth));
        var stored = source.Sparse(row, count);
        var rows = slot.Sparse.Slice(offset * SparseWidth, count * SparseWidth);
        for (int i = 0, j = 0; i < rows.Length; i++)
        {
            rows[i] = modulo[j].Row(stored[i]);
            if (++j == SparseWidth) j = 0;
        }
    }

    /// <summary>One batch's reusable tensors and views of their memory.</summary>
    private sealed class Slot : IDisposable
    {
        private readonly Tensor dense;
        private readonly Tensor sparse;
        private readonly Tensor label;
        private Batch? partial;

        public Slot(int batchSize, int denseWidth, int sparseWidth)
        {
            dense = zeros(batchSize, denseWidth, dtype: ScalarType.Float32);
            sparse = zeros(batchSize, sparseWidth, dtype: ScalarType.Int64);
            label = zeros(batchSize, 1, dtype: ScalarType.Float32);
            Full = new Batch(dense, sparse, label);
            Capacity = batchSize;
        }

        public int Capacity { get; }

        public Batch Full { get; }

        public Span<float> Dense => MemoryMarshal.Cast<byte, float>(dense.bytes);

        public Span<long> Sparse => MemoryMarshal.Cast<byte, long>(sparse.bytes);

        public Span<float> Label => MemoryMarshal.Cast<byte, float>(label.bytes);

        /// <summary>The first <paramref name="size"/> rows as a batch (views, made only for a partial batch).</summary>
        public Batch Take(int size)
        {
            DisposePartial();
            if (size == Capacity) return Full;
            partial = new Batch(dense.narrow(0, 0, size), sparse.narrow(0, 0, size), label.narrow(0, 0, size));
            return partial;
        }

        public void Dispose()
        {
            DisposePartial();
            dense.Dispose();
            sparse.Dispose();
            label.Dispose();
        }

        private void DisposePartial()
        {
            if (partial is null) return;
            partial.Dense.Dispose();
            partial.Sparse.Dispose();
            partial.Label.Dispose();
            partial = null;
        }
    }

    /// <summary>Runs the producer thread; hands out filled slots and takes them back when the consumer advances.</summary>
    private sealed class Enumerator : IEnumerator<Batch>
    {
        private readonly BatchReader reader;
        private readonly BlockingCollection<Slot> free = new();
        private readonly BlockingCollection<(Slot Slot, int Size)> filled;
        private readonly List<Slot> slots = new();
        private readonly CancellationTokenSource stop = new();
        private readonly Task producer;
        private Exception? failure;
        private Slot? current;

        public Enumerator(BatchReader reader)
        {
            this.reader = reader;
            int ahead = Math.Max(1, reader.options.Prefetch);
            filled = new BlockingCollection<(Slot, int)>(ahead);
            for (int i = 0; i < ahead + 1; i++)
            {
                var slot = new Slot(reader.options.BatchSize, reader.DenseWidth, reader.SparseWidth);
                slots.Add(slot);
                free.Add(slot);
            }
            producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
        }

        public Batch Current { get; private set; } = null!;

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (current is not null) free.Add(current);
            current = null;
            if (!filled.TryTake(out var next, Timeout.Infinite))
            {
                if (failure is not null) throw new DataException("Reading batches failed: " + failure.Message, failure);
                return false;
            }
            current = next.Slot;
            Current = next.Slot.Take(next.Size);
            return true;
        }

        public void Reset() => throw new NotSupportedException("Enumerate the reader again instead.");

        public void Dispose()
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException) { }
            foreach (var slot in slots) slot.Dispose();
            free.Dispose();
            filled.Dispose();
            stop.Dispose();
        }

        private void Produce()
        {
            try
            {
                for (long b = 0; b < reader.plan.Count; b++)
                {
                    var slot = free.Take(stop.Token);
                    int size = reader.plan.Visit(b, (segment, row, count, offset) => reader.Fill(slot, segment, row, count, offset));
                    filled.Add((slot, size), stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                filled.CompleteAdding();
            }
        }
    }
}
