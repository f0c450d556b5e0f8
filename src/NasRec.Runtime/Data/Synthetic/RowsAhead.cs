namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// Rows 0..n-1 of a model's data in order, drawn ahead of the consumer on every core: while the
/// consumer reads one batch, the next is drawn in parallel blocks. Row i depends only on the seed
/// and i, so the rows are the same whatever the core count.
/// </summary>
internal sealed class RowsAhead(SyntheticCtrModel model, long rows)
{
    private const int BlockRows = 2048;
    private static readonly int Blocks = Math.Clamp(Environment.ProcessorCount, 1, 16);

    /// <summary>The rows in order; each is valid until the enumeration moves past its batch.</summary>
    public IEnumerable<SyntheticRow> InOrder()
    {
        long batchRows = (long)BlockRows * Blocks;
        var current = NewBatch();
        var next = NewBatch();
        Draw(current, 0);
        for (long start = 0; start < rows; start += batchRows)
        {
            long nextStart = start + batchRows;
            var drawing = nextStart < rows ? Task.Run(() => Draw(next, nextStart)) : Task.CompletedTask;
            long end = Math.Min(rows, nextStart);
            for (long i = start; i < end; i++) yield return current[i - start];
            drawing.Wait();
            (current, next) = (next, current);
        }
    }

    private SyntheticRow[] NewBatch() => Enumerable.Range(0, BlockRows * Blocks).Select(_ => model.NewRow()).ToArray();

    private void Draw(SyntheticRow[] batch, long start) => Parallel.For(0, Blocks, block =>
    {
        for (int i = block * BlockRows; i < (block + 1) * BlockRows && start + i < rows; i++) model.Sample(start + i, batch[i]);
    });
}
