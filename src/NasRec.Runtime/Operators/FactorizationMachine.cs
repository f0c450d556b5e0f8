using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// The sparse→dense merger (<c>deep_fm</c>): <c>(Σ_tokens e)² − Σ_tokens e²</c> per embedding coordinate, without the
/// usual ½, then, when d ≠ E, a linear E→d and LayerNorm when on. <c>[B, S, E]</c> → <c>[B, d]</c>.
/// </summary>
public sealed class FactorizationMachine : nn.Module<Tensor, Tensor>
{
    private readonly Linear? projection;
    private readonly LayerNorm? norm;

    public FactorizationMachine(long embeddingDim, long width, bool layerNorm) : base(nameof(FactorizationMachine))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        // When d = E the reference deletes the whole projection, its LayerNorm included.
        if (width != embeddingDim)
        {
            projection = nn.Linear(embeddingDim, width, hasBias: !layerNorm);
            norm = LayerNorms.CreateIf(layerNorm, width);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor sparse)
    {
        using var scope = NewDisposeScope();
        var result = sparse.sum(1).pow(Scalars.Two) - sparse.pow(Scalars.Two).sum(1);
        if (projection is not null) result = projection.call(result);
        if (norm is not null) result = norm.call(result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Supernet mode, from transposed tokens <c>[B, E, S]</c>: only the first <paramref name="units"/> outputs, the norm over
    /// those (all of them unless sliced).
    /// </summary>
    public Tensor Forward(Tensor transposedTokens, long units)
    {
        using var scope = NewDisposeScope();
        var interactions = transposedTokens.sum(-1).pow(Scalars.Two) - transposedTokens.pow(Scalars.Two).sum(-1);
        var result = projection is null ? interactions.narrow(-1, 0, units) : ZeroPadded.Whole(interactions).Linear(projection, units);
        return LayerNorms.ApplyOver(norm, result, units).MoveToOuterDisposeScope();
    }
}
