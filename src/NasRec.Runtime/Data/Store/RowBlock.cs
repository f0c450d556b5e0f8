using System.Runtime.CompilerServices;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// Parsed rows in the store's layout, row-major: a label byte, <c>DenseWidth</c> float32 values,
/// <c>SparseWidth</c> stored 64-bit values, a bit per dense feature that was missing, and the row's
/// number in its source. Readers fill it; writers copy it out. Grows, never shrinks, so a reused
/// block stops allocating after the first chunks.
/// </summary>
public sealed class RowBlock
{
    private byte[] labels = new byte[1024];
    private float[] dense;
    private long[] sparse;
    private byte[] missing;
    private long[] sourceRows = new long[1024];

    public RowBlock(int denseWidth, int sparseWidth)
    {
        DenseWidth = denseWidth;
        SparseWidth = sparseWidth;
        MaskWidth = (denseWidth + 7) / 8;
        dense = new float[1024 * denseWidth];
        sparse = new long[1024 * sparseWidth];
        missing = new byte[1024 * MaskWidth];
    }

    public int DenseWidth { get; }

    public int SparseWidth { get; }

    /// <summary>Bytes of the missing-dense bit mask per row.</summary>
    public int MaskWidth { get; }

    public int Count { get; private set; }

    public Span<byte> Labels => labels.AsSpan(0, Count);

    public Span<float> Dense => dense.AsSpan(0, Count * DenseWidth);

    public Span<long> Sparse => sparse.AsSpan(0, Count * SparseWidth);

    public Span<byte> Missing => missing.AsSpan(0, Count * MaskWidth);

    public Span<long> SourceRows => sourceRows.AsSpan(0, Count);

    public void Clear() => Count = 0;

    /// <summary>Appends a zeroed row and returns its index; the caller fills it through the accessors below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Add(long sourceRow)
    {
        if (Count == labels.Length) Grow();
        int row = Count++;
        labels[row] = 0;
        dense.AsSpan(row * DenseWidth, DenseWidth).Clear();
        sparse.AsSpan(row * SparseWidth, SparseWidth).Clear();
        missing.AsSpan(row * MaskWidth, MaskWidth).Clear();
        sourceRows[row] = sourceRow;
        return row;
    }

    /// <summary>Drops the last row (a bad row found while filling it).</summary>
    public void RemoveLast() => Count--;

    public ref byte Label(int row) => ref labels[row];

    public Span<float> DenseOf(int row) => dense.AsSpan(row * DenseWidth, DenseWidth);

    public Span<long> SparseOf(int row) => sparse.AsSpan(row * SparseWidth, SparseWidth);

    public void MarkMissing(int row, int feature) => missing[row * MaskWidth + feature / 8] |= (byte)(1 << (feature % 8));

    private void Grow()
    {
        int capacity = labels.Length * 2;
        Array.Resize(ref labels, capacity);
        Array.Resize(ref dense, capacity * DenseWidth);
        Array.Resize(ref sparse, capacity * SparseWidth);
        Array.Resize(ref missing, capacity * MaskWidth);
        Array.Resize(ref sourceRows, capacity);
    }
}
