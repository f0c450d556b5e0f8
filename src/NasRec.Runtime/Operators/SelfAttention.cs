using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Multi-head self-attention with the parameters and state-dict names of PyTorch's <c>nn.MultiheadAttention</c>
/// (<c>in_proj_weight [3E, E]</c>, <c>in_proj_bias</c>, <c>out_proj</c>) and its arithmetic, batch-first:
/// <c>[B, S, E]</c> → <c>[B, S, E]</c>. Heads two units wide (the reference's 8 over 16) attend on the CPU through
/// <see cref="TwoWideHeadAttention"/>; other widths and devices through libtorch's fused
/// <c>scaled_dot_product_attention</c>, which beats the unfused <c>[B·H, S, S]</c> scores and softmax several times over.
/// </summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>, IReferenceFormulation
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly long heads;

    public SelfAttention(long embeddingDim, long heads) : base(nameof(SelfAttention))
    {
        if (embeddingDim % heads != 0)
            throw new ArgumentException($"The embedding dim {embeddingDim} is not divisible by {heads} heads.", nameof(heads));
        this.heads = heads;
        in_proj_weight = new Parameter(empty(3 * embeddingDim, embeddingDim));
        in_proj_bias = new Parameter(zeros(3 * embeddingDim));
        out_proj = nn.Linear(embeddingDim, embeddingDim);
        RegisterComponents();
        // PyTorch's own initialisation; WeightInitialization (spec §2.7) overrides it in every model.
        using (no_grad()) nn.init.xavier_uniform_(in_proj_weight);
    }

    /// <summary>Attends through libtorch's fused kernel even where the two-wide kernel serves, as a PyTorch program would.</summary>
    public bool ReferenceFormulation { get; set; }

    public override Tensor forward(Tensor tokens) => Forward(tokens, zeroTokens: 0);

    /// <summary>
    /// The outputs of the first S tokens of a sequence that goes on with <paramref name="zeroTokens"/> zero tokens, with
    /// only S + 1 keys: every zero token has the same key and value (the in-projection's bias), so one key stands for
    /// them all, its logit raised by <c>ln(zeroTokens)</c> to carry their joint softmax weight. Exact, gradients
    /// included, and the cost of S tokens instead of S + zeroTokens.
    /// </summary>
    public Tensor Forward(Tensor tokens, long zeroTokens)
    {
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], length = tokens.shape[1], width = tokens.shape[2];
        var projected = Project(tokens, in_proj_weight, in_proj_bias);
        if (!ReferenceFormulation && TwoWideHeadAttention.Serves(projected, heads, zeroTokens))
        {
            // The zero tokens' key and value: the in-projection's bias past its query part.
            var zeroKeyValue = zeroTokens == 0 ? null : in_proj_bias.narrow(0, width, 2 * width);
            return Project(TwoWideHeadAttention.Attend(projected, heads, zeroKeyValue, zeroTokens), out_proj.weight!, out_proj.bias!).MoveToOuterDisposeScope();
        }
        // [B, S, 3E] → [3, B, H, S, E/H]: queries, keys and values per head.
        var qkv = projected.view(batch, length, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
        var attended = zeroTokens == 0
            ? nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])
            : AttendWithZeroTokens(qkv, zeroTokens);
        return Project(attended.transpose(1, 2).reshape(batch, length, width), out_proj.weight!, out_proj.bias!).MoveToOuterDisposeScope();
    }

    /// <summary>A projection of the tokens, its parameters' gradients summed by <see cref="SixteenInputLinear"/> where it serves.</summary>
    private Tensor Project(Tensor input, Tensor weight, Tensor bias) =>
        !ReferenceFormulation && SixteenInputLinear.Serves(input, weight)
            ? SixteenInputLinear.Apply(input, weight, bias)
            : nn.functional.linear(input, weight, bias);

    private Tensor AttendWithZeroTokens(Tensor qkv, long zeroTokens)
    {
        long batch = qkv.shape[1], length = qkv.shape[3], headWidth = qkv.shape[4];
        // The zero tokens' key and value per head, [B, H, 1, E/H] each.
        var zero = in_proj_bias.view(3, 1, heads, 1, headWidth).expand(3, batch, heads, 1, headWidth);
        var keys = cat([qkv[1], zero[1]], 2);
        var values = cat([qkv[2], zero[2]], 2);
        var counted = ConstantCache.LastKeyCounted(length + 1, zeroTokens, keys.dtype, keys.device);
        return nn.functional.scaled_dot_product_attention(qkv[0], keys, values, counted);
    }
}
