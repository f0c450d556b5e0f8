using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data;

/// <summary>
/// Batches of rows as a source parses them (<see cref="RowBlock"/>s, straight from a raw file rather than from a store),
/// built as <see cref="BatchReader"/> builds a store's: labels, dense values, sparse values after each table's modulo,
/// into one reused <see cref="BatchSlot"/>. Every batch but the last is full; each is valid until the next is handed on.
/// </summary>
internal sealed class BlockBatches : IDisposable
{
    private readonly BatchSlot slot;
    private readonly SparseRowModulo modulo;
    private readonly int denseWidth;
    private readonly int sparseWidth;
    private int filled;

    public BlockBatches(int batchSize, int denseWidth, int sparseWidth, IReadOnlyList<long> tableSizes)
    {
        if (tableSizes.Count != sparseWidth)
            throw new ArgumentException($"{tableSizes.Count} table sizes given; the rows have {sparseWidth} sparse features.", nameof(tableSizes));
        slot = new BatchSlot(batchSize, denseWidth, sparseWidth);
        modulo = new SparseRowModulo(tableSizes);
        (this.denseWidth, this.sparseWidth) = (denseWidth, sparseWidth);
    }

    /// <summary>Adds <paramref name="block"/>'s rows, handing each batch they fill to <paramref name="full"/>.</summary>
    public void Add(RowBlock block, Action<Batch> full)
    {
        for (int start = 0; start < block.Count;)
        {
            int count = Math.Min(slot.Capacity - filled, block.Count - start);
            var labels = block.Labels.Slice(start, count);
            var target = slot.Label.Slice(filled, count);
            for (int i = 0; i < count; i++) target[i] = labels[i];
            block.Dense.Slice(start * denseWidth, count * denseWidth).CopyTo(slot.Dense.Slice(filled * denseWidth));
            modulo.Apply(block.Sparse.Slice(start * sparseWidth, count * sparseWidth), slot.Sparse.Slice(filled * sparseWidth, count * sparseWidth));
            (start, filled) = (start + count, filled + count);
            if (filled == slot.Capacity) Hand(full);
        }
    }

    /// <summary>Hands the rows added since the last full batch, if any, to <paramref name="last"/>.</summary>
    public void Finish(Action<Batch> last)
    {
        if (filled > 0) Hand(last);
    }

    public void Dispose() => slot.Dispose();

    private void Hand(Action<Batch> to)
    {
        var batch = slot.Take(filled);
        filled = 0;
        to(batch);
    }
}
