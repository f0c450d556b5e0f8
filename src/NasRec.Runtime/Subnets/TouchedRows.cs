using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// The distinct rows of an embedding table one batch read: their indices into the fused table (ascending) and a
/// leaf copy of their values whose gradient, after backward, is the table's gradient restricted to those rows.
/// </summary>
public sealed class TouchedRows(Tensor ids, Tensor rows) : IDisposable
{
    public Tensor Ids { get; } = ids;

    /// <summary><c>[distinct rows, E]</c>, requires grad.</summary>
    public Tensor Rows { get; } = rows;

    public void Dispose()
    {
        Ids.Dispose();
        Rows.Dispose();
    }
}
