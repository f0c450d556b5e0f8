using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NasRec.Runtime.Data.Encodings;
using static TorchSharp.torch;

namespace NasRec.Runtime.Data;

/// <summary>
/// One batch's reusable tensors and views of their memory. A tensor's span costs calls into libtorch, and a
/// shuffled batch is filled a row at a time: the views are taken once (the tensors' memory never moves).
/// </summary>
internal sealed unsafe class BatchSlot : IDisposable
{
    private readonly Tensor dense;
    private readonly Tensor sparse;
    private readonly Tensor label;
    private readonly float* denseData;
    private readonly long* sparseData;
    private readonly float* labelData;
    private readonly int denseWidth;
    private readonly int sparseWidth;
    private Batch? partial;

    public BatchSlot(int batchSize, int denseWidth, int sparseWidth)
    {
        dense = zeros(batchSize, denseWidth, dtype: ScalarType.Float32);
        sparse = zeros(batchSize, sparseWidth, dtype: ScalarType.Int64);
        label = zeros(batchSize, 1, dtype: ScalarType.Float32);
        denseData = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(dense.bytes));
        sparseData = (long*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(sparse.bytes));
        labelData = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(label.bytes));
        (this.denseWidth, this.sparseWidth) = (denseWidth, sparseWidth);
        Full = new Batch(dense, sparse, label);
        Capacity = batchSize;
    }

    public int Capacity { get; }

    public Batch Full { get; }

    /// <summary>
    /// Copies rows as a store or a source holds them into the slot's rows from <paramref name="offset"/> on: labels,
    /// dense values, and the stored sparse values through <paramref name="modulo"/> into table rows.
    /// </summary>
    public void Fill(int offset, ReadOnlySpan<byte> labels, ReadOnlySpan<float> dense, ReadOnlySpan<long> stored, SparseRowModulo modulo)
    {
        int free = Capacity - offset;
        var label = new Span<float>(labelData + offset, labels.Length);
        for (int i = 0; i < labels.Length; i++) label[i] = labels[i];
        dense.CopyTo(new Span<float>(denseData + (long)offset * denseWidth, free * denseWidth));
        modulo.Apply(stored, new Span<long>(sparseData + (long)offset * sparseWidth, free * sparseWidth));
    }

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
