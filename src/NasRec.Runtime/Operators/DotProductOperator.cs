using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Dot-product interaction in fixed mode. The dense input is projected to one E-wide token and the sparse input to
/// <see cref="TokenCount"/> tokens; the strictly lower triangle of the Gram matrix of those k+1 tokens (no
/// self-interactions, no raw dense vector) feeds a linear to the width d. No activation.
/// <c>([B, in], [B, N, E])</c> → <c>[B, d]</c>.
/// </summary>
public sealed class DotProductOperator : nn.Module<Tensor, Tensor, Tensor>, IElasticOperator, IReferenceFormulation
{
    private readonly Linear? dense_projection;
    private readonly LayerNorm? dense_norm;
    private readonly Linear? token_projection;
    private readonly LayerNorm? token_norm;
    private readonly Linear output;
    private readonly LayerNorm? output_norm;
    private readonly PerDeviceConstant pairPositions;

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
        pairPositions = new PerDeviceConstant(device => PairPositions(tokens, device));
        RegisterComponents();
    }

    /// <summary>The number of sparse tokens k = round(√(2·width)), rounding halves to even as Python does.</summary>
    public static long TokenCount(long width) => (long)Math.Round(Math.Sqrt(2.0 * width), MidpointRounding.ToEven);

    /// <summary>The number of interactions k(k+1)/2 among the k sparse tokens and the dense token.</summary>
    public static long PairCount(long tokens) => tokens * (tokens + 1) / 2;

    /// <summary>Projects the tokens through their transpose, as the reference does, instead of one batched product.</summary>
    public bool ReferenceFormulation { get; set; }

    public override Tensor forward(Tensor denseIn, Tensor sparseIn)
    {
        using var scope = NewDisposeScope();
        var dense = dense_projection is null ? denseIn : dense_projection.call(denseIn);
        var sparse = token_projection is null ? sparseIn : TokenAxis.Project(token_projection, token_norm, sparseIn, ReferenceFormulation);
        return Interact(dense, sparse, output.weight!.shape[0]).MoveToOuterDisposeScope();
    }

    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        var dense = dense_projection is null ? inputs.Dense.Materialize() : inputs.Dense.Linear(dense_projection);
        var sparse = token_projection is null
            ? inputs.Tokens.Materialize().transpose(1, 2)
            : TokenAxis.Project(token_projection, token_norm, inputs.Tokens, token_projection.weight!.shape[0]);
        return Interact(dense, sparse, inputs.ComputedWidth(output.weight!.shape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>From the projected dense vector (before its norm) and the k tokens to the first <paramref name="units"/> outputs.</summary>
    private Tensor Interact(Tensor dense, Tensor sparse, long units)
    {
        if (dense_norm is not null) dense = dense_norm.call(dense);
        var tokens = cat([dense.unsqueeze(1), sparse], dim: 1);
        var gram = bmm(tokens, tokens.transpose(1, 2));
        var pairs = gram.flatten(1).index_select(1, pairPositions.On(gram.device));
        return LayerNorms.ApplyOver(output_norm, ZeroPadded.Whole(pairs).Linear(output, units), units);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) pairPositions.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Flat positions in the <c>[k+1, k+1]</c> Gram matrix of the pairs with row &gt; col, row-major.</summary>
    private static Tensor PairPositions(long tokens, Device device)
    {
        using var scope = NewDisposeScope();
        var size = tokens + 1;
        var rowsAndColumns = tril_indices(size, size, -1, device: device);
        using var rowLength = size.ToScalar();
        return rowsAndColumns[0].mul(rowLength).Plus(rowsAndColumns[1]).MoveToOuterDisposeScope();
    }
}
