namespace NasRec.Dsl.Analysis;

/// <summary>
/// What one block computes and keeps: the single description of a block's wiring, which the
/// generator's emitter and the interpreted subnet both follow. A pruned plan computes only what
/// reaches the head (the compiled subnet); an unpruned one computes every part, as the reference's
/// eager module does.
/// </summary>
/// <param name="Dense">The dense operator is built and run.</param>
/// <param name="Sparse">The sparse operator is built and run.</param>
/// <param name="Fm">The FM sparse→dense merger is built and run.</param>
/// <param name="Merger">The dense→sparse merger is built and run.</param>
/// <param name="DenseOut">The block's dense output is kept (for a later block or the head).</param>
/// <param name="SparseOut">The block's sparse output is kept.</param>
/// <param name="PostFm">The dense output with the FM added is computed: needed for the dense output, or
/// for the merger when it reads the FM (<see cref="Model.Block.MergerReadsFm"/>, spec §9.3).</param>
/// <param name="MergerAfterFm">The merger reads the dense output after the FM rather than the dense operator's result.</param>
public sealed record BlockPlan(
    BlockShape Shape, bool Dense, bool Sparse, bool Fm, bool Merger, bool DenseOut, bool SparseOut, bool PostFm, bool MergerAfterFm)
{
    public static BlockPlan Create(BlockShape shape, ArchitectureReport report, bool pruned)
    {
        bool mergerAfterFm = shape.Block.MergerReadsFm(report.EmbeddingDim);
        bool Built(BlockPartKind kind) => shape.Parts.Any(p => p.Kind == kind && (p.Live || !pruned));
        bool merger = Built(BlockPartKind.DenseToSparse);
        bool denseOut = shape.DenseLive || !pruned;
        return new BlockPlan(shape, Built(BlockPartKind.Dense), Built(BlockPartKind.Sparse), Built(BlockPartKind.Fm), merger,
            denseOut, SparseOut: shape.SparseLive || !pruned, PostFm: denseOut || (merger && mergerAfterFm), mergerAfterFm);
    }

    /// <summary>Nothing of the block is computed: none of its outputs is needed.</summary>
    public bool Skipped => !DenseOut && !SparseOut;
}
