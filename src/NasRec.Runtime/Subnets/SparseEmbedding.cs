using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// The embedding tables of all sparse features, stored as one <c>[Σ rows, E]</c> parameter with a
/// row offset per feature, so a batch is one gather instead of one lookup per feature. Maps ids
/// <c>[B, features]</c> (each in 0..rows_j-1) to tokens <c>[B, features, E]</c>.
/// With <see cref="RowSparseGradients"/> on, a forward that records gradients reads the batch's distinct rows into
/// a leaf tensor of their own (<see cref="Touched"/>): backward then yields a <c>[distinct rows, E]</c> gradient,
/// duplicates summed, and the table itself never gets a dense <c>[Σ rows, E]</c> gradient.
/// </summary>
public sealed class SparseEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly long[] rows;
    private readonly PerDeviceConstant offsets;

    public SparseEmbedding(IReadOnlyList<long> tableSizes, long embeddingDim) : base(nameof(SparseEmbedding))
    {
        rows = tableSizes.ToArray();
        weight = new Parameter(empty(rows.Sum(), embeddingDim));
        var rowOffsets = Offsets(rows);
        offsets = new PerDeviceConstant(device => tensor(rowOffsets, int64, device));
        RegisterComponents();
        ResetParameters();
    }

    public long EmbeddingDim => weight.shape[1];

    /// <summary>The fused table <c>[Σ rows, E]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>Set by the row-sparse optimizer, which owns the update of <see cref="Weight"/>.</summary>
    public bool RowSparseGradients { get; set; }

    /// <summary>The rows the last recording forward read (row-sparse mode only); the optimizer consumes them.</summary>
    public TouchedRows? Touched { get; private set; }

    /// <summary>Releases <see cref="Touched"/> once the step that needed it is done.</summary>
    public void ReleaseTouched()
    {
        Touched?.Dispose();
        Touched = null;
    }

    public IReadOnlyList<long> TableSizes => rows;

    /// <summary>Table sizes capped at <paramref name="cap"/> (null: unchanged).</summary>
    public static long[] Capped(IEnumerable<long> tableSizes, long? cap) =>
        tableSizes.Select(size => cap is long c && c < size ? c : size).ToArray();

    /// <summary>Xavier-normal per table, std = √(2 / (E + rows)), as the reference initialises each nn.Embedding.</summary>
    public void ResetParameters()
    {
        using var noGrad = no_grad();
        long start = 0;
        foreach (var size in rows)
        {
            using var table = weight.narrow(0, start, size);
            table.normal_(0, Math.Sqrt(2.0 / (EmbeddingDim + size)));
            start += size;
        }
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var flat = ids.Plus(offsets.On(ids.device)).view(-1);
        var tokens = RowSparseGradients && is_grad_enabled() ? GatherTouched(flat) : weight.index_select(0, flat);
        return tokens.view(ids.shape[0], ids.shape[1], EmbeddingDim).MoveToOuterDisposeScope();
    }

    private Tensor GatherTouched(Tensor flat)
    {
        var (unique, inverse, _) = flat.unique(sorted: true, return_inverse: true);
        Tensor rows;
        using (no_grad()) rows = weight.index_select(0, unique);
        rows.requires_grad_(true);
        ReleaseTouched();
        Touched = new TouchedRows(unique.DetachFromDisposeScope(), rows.DetachFromDisposeScope());
        // index_select's backward sums the gradients of repeated ids into their one row.
        return rows.index_select(0, inverse!);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            offsets.Dispose();
            ReleaseTouched();
        }
        base.Dispose(disposing);
    }

    private static long[] Offsets(long[] sizes)
    {
        var offsets = new long[sizes.Length];
        for (int j = 1; j < sizes.Length; j++) offsets[j] = offsets[j - 1] + sizes[j - 1];
        return offsets;
    }
}
