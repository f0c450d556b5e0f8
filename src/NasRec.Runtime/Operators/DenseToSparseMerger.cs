using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// The dense→sparse merger (<c>dense_sparse_interact</c>): <c>[B, d]</c> → <c>[B, tokens, E]</c>, through a linear
/// d→tokens·E (LayerNorm when on) when d ≠ tokens·E, else a pure reshape.
/// </summary>
/// <remarks>
/// Without the projection the result is a view of the input, as in the reference: a later in-place FM addition to the
/// dense output also reaches these tokens (spec §9, item 3).
/// </remarks>
public sealed class DenseToSparseMerger : nn.Module<Tensor, Tensor>
{
    private readonly Linear? projection;
    private readonly LayerNorm? norm;
    private readonly long tokens;
    private readonly long embeddingDim;

    public DenseToSparseMerger(long width, long embeddingDim, bool layerNorm, long tokens = NasRec.Dsl.Model.OperatorTraits.MergerTokens)
        : base(nameof(DenseToSparseMerger))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        var merged = tokens * embeddingDim;
        if (width != merged)
        {
            projection = nn.Linear(width, merged, hasBias: !layerNorm);
            norm = LayerNorms.CreateIf(layerNorm, merged);
        }
        this.tokens = tokens;
        this.embeddingDim = embeddingDim;
        RegisterComponents();
    }

    public override Tensor forward(Tensor dense)
    {
        using var scope = NewDisposeScope();
        var merged = dense;
        if (projection is not null) merged = projection.call(merged);
        return Finish(merged).MoveToOuterDisposeScope();
    }

    /// <summary>Supernet mode: the projection multiplies only the dense output's kept units.</summary>
    public Tensor Forward(ZeroPadded dense)
    {
        using var scope = NewDisposeScope();
        return Finish(projection is null ? dense.Materialize() : dense.Linear(projection)).MoveToOuterDisposeScope();
    }

    private Tensor Finish(Tensor merged)
    {
        if (norm is not null) merged = norm.call(merged);
        return merged.view(merged.shape[0], tokens, embeddingDim);
    }
}
