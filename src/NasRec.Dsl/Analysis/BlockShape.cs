using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>
/// The derived shapes of one block (spec Appendix A) and which of its parts reach the head.
/// Widths are per sample; tokens are rows of <c>[tokens, E]</c>.
/// </summary>
/// <param name="DenseInWidth">Width of the concatenated dense inputs (fc, dot-product), else 0.</param>
/// <param name="LeftWidth">Width of the left input (sum, sigmoid-gating), else 0.</param>
/// <param name="TokensIn">Token count of the concatenated sparse inputs, 0 when nothing reads them.</param>
/// <param name="DotProductTokens">Dot-product's balanced token count round(√(2d)), else 0.</param>
/// <param name="TokensOut">s, plus the 8 merger tokens when the dense→sparse merger is on.</param>
/// <param name="DenseLive">The block's dense output reaches the head.</param>
/// <param name="SparseLive">The block's sparse output reaches the head.</param>
/// <param name="Parts">The parts the block computes, each with its liveness, parameters and FLOPs.</param>
public sealed record BlockShape(
    int Index,
    Block Block,
    int DenseInWidth,
    int LeftWidth,
    int RightWidth,
    int TokensIn,
    int DotProductTokens,
    int DenseOut,
    int TokensOut,
    bool DenseLive,
    bool SparseLive,
    EquatableArray<BlockPart> Parts)
{
    public bool Dead => !DenseLive && !SparseLive;

    public long Parameters => Parts.Sum(p => p.Parameters);

    public long LiveParameters => Parts.Where(p => p.Live).Sum(p => p.Parameters);

    public long Flops => Parts.Where(p => p.Live).Sum(p => p.Flops);

    /// <summary>The sizes the block's operators are built for (see <see cref="OperatorTraits"/>).</summary>
    public OperatorShape Operands(int embeddingDim, bool layerNorm) =>
        new(DenseInWidth, LeftWidth, RightWidth, TokensIn, Block.Dense.Width, Block.Sparse.Tokens, embeddingDim, layerNorm);
}

/// <summary>The module-level parts of a block: each is one submodule of the subnet.</summary>
public enum BlockPartKind
{
    /// <summary>The dense operator (state name <c>block{i}_dense</c>).</summary>
    Dense,
    /// <summary>The sparse operator (<c>block{i}_sparse</c>).</summary>
    Sparse,
    /// <summary>The FM sparse→dense merger (<c>block{i}_fm</c>).</summary>
    Fm,
    /// <summary>The dense→sparse merger (<c>block{i}_dense_to_sparse</c>).</summary>
    DenseToSparse,
}

/// <summary>One part of a block: whether its result reaches the head, its parameters and its FLOPs per sample.</summary>
public sealed record BlockPart(BlockPartKind Kind, bool Live, long Parameters, long Flops);
