using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Transformer (attention on tokens) in fixed mode. A linear over tokens (N→s, LayerNorm over the tokens when on)
/// gives <c>h</c>; then one post-norm encoder layer: <c>u = norm1(MHA(h, h, h) + h)</c>,
/// <c>v = norm2(u + FFN(u))</c> with a ReLU feed-forward of width E. <c>[B, N, E]</c> → <c>[B, s, E]</c>.
/// </summary>
public sealed class TransformerOperator : nn.Module<Tensor, Tensor>, IElasticOperator, IReferenceFormulation
{
    /// <summary>The reference implementation's <c>LN_INIT</c>: the initial weight of <c>norm1</c> and <c>norm2</c>.</summary>
    public const double NormWeightInit = 0.17;

    private readonly Linear token_projection;
    private readonly LayerNorm? token_norm;
    private readonly SelfAttention attention;
    private readonly LayerNorm norm1;
    private readonly Linear feed_forward1;
    private readonly Linear feed_forward2;
    private readonly LayerNorm norm2;

    public TransformerOperator(long inTokens, long tokens, long embeddingDim, bool layerNorm, long heads = NasRec.Dsl.Model.OperatorTraits.TransformerHeads)
        : base(nameof(TransformerOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        token_projection = nn.Linear(inTokens, tokens, hasBias: !layerNorm);
        token_norm = LayerNorms.CreateIf(layerNorm, tokens);
        attention = new SelfAttention(embeddingDim, heads);
        // The encoder's own norms exist even with layer norm off.
        norm1 = CreateEncoderNorm(embeddingDim);
        feed_forward1 = nn.Linear(embeddingDim, embeddingDim, hasBias: true);
        feed_forward2 = nn.Linear(embeddingDim, embeddingDim, hasBias: true);
        norm2 = CreateEncoderNorm(embeddingDim);
        RegisterComponents();
    }

    /// <summary>Projects the tokens through their transpose, as the reference does (its attention has a switch of its own).</summary>
    public bool ReferenceFormulation { get; set; }

    public override Tensor forward(Tensor sparseIn)
    {
        using var scope = NewDisposeScope();
        return Encode(TokenAxis.Project(token_projection, token_norm, sparseIn, ReferenceFormulation)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Supernet mode: the projected tokens beyond the kept s are zeros, yet all s_max tokens still attend and are
    /// attended to. Masked, they are computed as the reference does and the output has s_max tokens. Otherwise only the
    /// s kept tokens are: the zero tokens enter the attention as one counted key (<see cref="SelfAttention.Forward(Tensor, long)"/>)
    /// and their outputs, which the supernet masks away, are never computed; the output has s tokens. Transposed,
    /// <c>[B, E, tokens]</c>, as every elastic sparse operator's.
    /// </summary>
    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        long tokens = token_projection.weight!.shape[0];
        var h = TokenAxis.Project(token_projection, token_norm, inputs.Tokens, inputs.ComputedTokens(tokens));
        var encoded = inputs.Masked
            ? Encode(h * ConstantCache.KeepFirst(tokens, inputs.KeptTokens, trailingDims: 1, h.dtype, h.device), zeroTokens: 0)
            : Encode(h.narrow(1, 0, inputs.KeptTokens), zeroTokens: tokens - inputs.KeptTokens);
        return encoded.transpose(1, 2).MoveToOuterDisposeScope();
    }

    private Tensor Encode(Tensor h, long zeroTokens = 0)
    {
        var residual = attention.Forward(h, zeroTokens).Plus(h);
        if (!ReferenceFormulation && SixteenWideEncoderTail.Serves(residual))
            return SixteenWideEncoderTail.Apply(residual, norm1, feed_forward1, feed_forward2, norm2);
        var u = norm1.call(residual);
        var f = feed_forward2.call(nn.functional.relu(feed_forward1.call(u)));
        return norm2.call(u.Plus(f));
    }

    private static LayerNorm CreateEncoderNorm(long embeddingDim)
    {
        var norm = LayerNorms.Create(embeddingDim);
        using var init = NormWeightInit.ToScalar();
        using (no_grad()) norm.weight!.fill_(init);
        return norm;
    }
}
