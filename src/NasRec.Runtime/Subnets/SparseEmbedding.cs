using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// The embedding tables of all sparse features, stored as one <c>[Σ rows, E]</c> parameter with a
/// row offset per feature, so a batch is one gather instead of one lookup per feature. Maps ids
/// <c>[B, features]</c> (each in 0..rows_j-1) to tokens <c>[B, features, E]</c>.
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
        var flat = (ids + offsets.On(ids.device)).view(-1);
        return weight.index_select(0, flat).view(ids.shape[0], ids.shape[1], EmbeddingDim).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) offsets.Dispose();
        base.Dispose(disposing);
    }

    private static long[] Offsets(long[] sizes)
    {
        var offsets = new long[sizes.Length];
        for (int j = 1; j < sizes.Length; j++) offsets[j] = offsets[j - 1] + sizes[j - 1];
        return offsets;
    }
}
