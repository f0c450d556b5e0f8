using NasRec.Dsl.Analysis;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// What one block computes in a subnet. A pruned subnet computes only what reaches the head (as the
/// compiled subnet does); an unpruned one computes every part, as the reference's eager module does.
/// </summary>
/// <param name="DenseOut">The block's dense output is kept (for a later block or the head).</param>
/// <param name="SparseOut">The block's sparse output is kept.</param>
/// <param name="PostFm">The dense output with the FM added: needed for the dense output, or for the
/// merger when d = 8·E (the reference's merger tokens alias the dense output, spec §9.3).</param>
internal sealed record BlockPlan(
    BlockShape Shape, bool Dense, bool Sparse, bool Fm, bool Merger, bool DenseOut, bool SparseOut, bool PostFm, bool MergerAfterFm)
{
    public static BlockPlan Create(BlockShape shape, ArchitectureReport report, bool pruned)
    {
        var block = shape.Block;
        bool mergerAfterFm = block.MergerReadsFm(report.EmbeddingDim);
        bool Live(BlockPartKind kind) => shape.Parts.Any(p => p.Kind == kind && (p.Live || !pruned));
        bool merger = Live(BlockPartKind.DenseToSparse);
        bool denseOut = shape.DenseLive || !pruned;
        return new BlockPlan(shape, Live(BlockPartKind.Dense), Live(BlockPartKind.Sparse), Live(BlockPartKind.Fm), merger,
            denseOut, SparseOut: shape.SparseLive || !pruned, PostFm: denseOut || (merger && mergerAfterFm), mergerAfterFm);
    }
}
