using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Dot-product interaction in fixed mode. The dense input is projected to one E-wide token and the sparse input to
/// <see cref="TokenCount"/> tokens; the strictly lower triangle of the Gram matrix of those k+1 tokens (no
/// self-interactions, no raw dense vector) feeds a linear to the width d. No activation.
/// <c>([B, in], [B, N, E])</c> → <c>[B, d]</c>.
/// </summary>
public sealed class DotProductOperator : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear? dense_projection;
    private readonly LayerNorm? dense_norm;
    private readonly Linear? token_projection;
    private readonly LayerNorm? token_norm;
    private readonly Linear output;
    private readonly LayerNorm? output_norm;

    // Positions of the pairs (row > col, row-major) in the flattened [k+1, k+1] Gram matrix; state, not a parameter.
    private readonly Tensor pair_index;

    public DotProductOperator(long denseWidth, long inTokens, long width, long embeddingDim, bool layerNorm)
        : base(nameof(DotProductOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denseWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        var tokens = TokenCount(width);
        if (denseWidth != embeddingDim)
        {
            dense_projection = nn.Linear(denseWidth, embeddingDim, hasBias: !layerNorm);
            dense_norm = LayerNorms.CreateIf(layerNorm, embeddingDim);
        }
        if (inTokens != tokens)
        {
            token_projection = nn.Linear(inTokens, tokens, hasBias: !layerNorm);
            token_norm = LayerNorms.CreateIf(layerNorm, tokens);
        }
        output = nn.Linear(PairCount(tokens), width, hasBias: !layerNorm);
        output_norm = LayerNorms.CreateIf(layerNorm, width);
        pair_index = LowerTrianglePositions(tokens + 1);
        // Non-persistent, so the state_dict holds only weights; registered before RegisterComponents claims the field.
        register_buffer(nameof(pair_index), pair_index, persistent: false);
        RegisterComponents();
    }

    /// <summary>The number of sparse tokens k = round(√(2·width)), rounding halves to even as Python does.</summary>
    public static long TokenCount(long width) => (long)Math.Round(Math.Sqrt(2.0 * width), MidpointRounding.ToEven);

    /// <summary>The number of interactions k(k+1)/2 among the k sparse tokens and the dense token.</summary>
    public static long PairCount(long tokens) => tokens * (tokens + 1) / 2;

    public override Tensor forward(Tensor denseIn, Tensor sparseIn)
    {
        using var scope = NewDisposeScope();
        var dense = denseIn;
        if (dense_projection is not null) dense = dense_projection.call(dense);
        if (dense_norm is not null) dense = dense_norm.call(dense);
        var sparse = token_projection is null ? sparseIn : TokenAxis.Project(token_projection, token_norm, sparseIn);
        var tokens = cat([dense.unsqueeze(1), sparse], dim: 1);
        var gram = bmm(tokens, tokens.transpose(1, 2));
        var pairs = gram.flatten(1).index_select(1, pair_index);
        var result = output.call(pairs);
        if (output_norm is not null) result = output_norm.call(result);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor LowerTrianglePositions(long size)
    {
        var positions = new List<long>();
        for (long row = 1; row < size; row++)
            for (long col = 0; col < row; col++)
                positions.Add(row * size + col);
        return tensor(positions.ToArray(), dtype: int64);
    }
}
