using System.Collections.Concurrent;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data;

/// <summary>
/// Batches of rows as a source parses them (<see cref="RowBlock"/>s, straight from a raw file rather than from a store),
/// built as <see cref="BatchReader"/> builds a store's: labels, dense values, sparse values after each table's modulo,
/// into a few reused <see cref="BatchSlot"/>s. One thread adds blocks and completes; another takes the batches, on the
/// thread that runs the model: libtorch's thread team belongs to the thread that starts it, and a source hands its rows
/// on from a worker of its own (a model run there started a second team, which fought the parser for the cores: twice
/// the time and twice the memory). Every batch but the last is full; each is valid until the taker advances.
/// </summary>
internal sealed class BlockBatches : IDisposable
{
    private const int Slots = 3;

    private readonly List<BatchSlot> slots = new();
    private readonly BlockingCollection<BatchSlot> free = new();
    private readonly BlockingCollection<(BatchSlot Slot, int Size)> filled = new();
    private readonly SparseRowModulo modulo;
    private BatchSlot? current;
    private int count;

    public BlockBatches(int batchSize, int denseWidth, int sparseWidth, IReadOnlyList<long> tableSizes)
    {
        if (tableSizes.Count != sparseWidth)
            throw new ArgumentException($"{tableSizes.Count} table sizes given; the rows have {sparseWidth} sparse features.", nameof(tableSizes));
        for (int i = 0; i < Slots; i++)
        {
            slots.Add(new BatchSlot(batchSize, denseWidth, sparseWidth));
            free.Add(slots[i]);
        }
        modulo = new SparseRowModulo(tableSizes);
    }

    /// <summary>Adds <paramref name="block"/>'s rows, waiting for a free slot when the taker is behind.</summary>
    public void Add(RowBlock block, CancellationToken cancel)
    {
        for (int start = 0; start < block.Count;)
        {
            var slot = current ??= free.Take(cancel);
            int rows = Math.Min(slot.Capacity - count, block.Count - start);
            slot.Fill(count, block.Labels.Slice(start, rows), block.Dense.Slice(start * block.DenseWidth, rows * block.DenseWidth),
                block.Sparse.Slice(start * block.SparseWidth, rows * block.SparseWidth), modulo);
            (start, count) = (start + rows, count + rows);
            if (count == slot.Capacity) HandOn();
        }
    }

    /// <summary>No more rows: hands on the last, partial batch when <paramref name="whole"/> (the input was read to its end), and ends <see cref="Take"/>.</summary>
    public void Complete(bool whole)
    {
        if (whole && count > 0) HandOn();
        filled.CompleteAdding();
    }

    /// <summary>The batches in order until <see cref="Complete"/>; each slot goes back to the adder when the enumeration advances.</summary>
    public IEnumerable<Batch> Take(CancellationToken cancel)
    {
        foreach (var (slot, size) in filled.GetConsumingEnumerable(cancel))
        {
            yield return slot.Take(size);
            free.Add(slot, cancel);
        }
    }

    /// <summary>Call once the adder has stopped: a slot's tensors may still be being filled until then.</summary>
    public void Dispose()
    {
        foreach (var slot in slots) slot.Dispose();
        free.Dispose();
        filled.Dispose();
    }

    private void HandOn()
    {
        filled.Add((current!, count));
        (current, count) = (null, 0);
    }
}
