using static TorchSharp.torch;

namespace NasRec.Runtime.Data;

/// <summary>
/// One mini-batch on the CPU: dense features <c>[B, n_dense]</c> float32, sparse row indices
/// <c>[B, n_sparse]</c> int64 (after the table-size modulo, so each is a valid row of its table),
/// labels <c>[B, 1]</c> float32. A batch handed out by a reader lives in buffers the reader reuses:
/// it is valid until the reader's enumerator advances, and whoever keeps data longer copies it.
/// A batch built by hand owns its tensors and is disposed by whoever built it.
/// </summary>
public sealed class Batch(Tensor dense, Tensor sparse, Tensor label)
{
    public Tensor Dense { get; } = dense;

    public Tensor Sparse { get; } = sparse;

    public Tensor Label { get; } = label;

    public int Size => (int)Label.shape[0];
}
