using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Linear layers "over tokens": they mix the token axis and are shared across embedding coordinates.</summary>
internal static class TokenAxis
{
    /// <summary>
    /// Maps <c>[B, N, E]</c> to <c>[B, M, E]</c>: applies <paramref name="linear"/> (N→M) to every embedding coordinate
    /// and, when present, <paramref name="norm"/> over the M tokens.
    /// </summary>
    /// <remarks>
    /// Without a norm, each sample's <c>W [M, N]</c> times its <c>[N, E]</c> tokens is one batched product that writes
    /// <c>[B, M, E]</c> in place. Through a transpose instead, the linear would first copy its strided input and hand on a
    /// strided output that the next operator, join or gradient copies again: at batch 4096 those copies took most of a
    /// NASRec-Small forward. That transpose is the reference's own formulation (spec §2.4), kept with a norm, which
    /// needs the tokens on the last axis, and when <paramref name="reference"/> asks for it.
    /// </remarks>
    public static Tensor Project(Linear linear, LayerNorm? norm, Tensor tokens, bool reference)
    {
        if (norm is not null || reference) return Project(linear, norm, ZeroPadded.Whole(tokens.transpose(1, 2)), linear.weight!.shape[0]);
        using var scope = NewDisposeScope();
        var weight = linear.weight!.expand([tokens.shape[0], .. linear.weight.shape]);
        var mixed = bmm(weight, tokens);
        if (linear.bias is { } bias) mixed.add_(bias.unsqueeze(-1), Scalars.One);
        return mixed.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same from zero-padded tokens, transposed (<c>[B, E, N]</c>): only their non-zero tokens are multiplied,
    /// and only the first <paramref name="outputs"/> tokens computed (the norm over those).
    /// </summary>
    public static Tensor Project(Linear linear, LayerNorm? norm, ZeroPadded transposedTokens, long outputs) =>
        ProjectTransposed(linear, norm, transposedTokens, outputs).transpose(1, 2);

    /// <summary>
    /// As <see cref="Project(Linear, LayerNorm?, ZeroPadded, long)"/>, but the tokens stay transposed, <c>[B, E, M]</c>, as the
    /// product writes them: element-wise work after it (and its backward) then runs over contiguous memory, where a
    /// transposed view mixed with the contiguous gradients backward produces cannot be vectorized.
    /// </summary>
    public static Tensor ProjectTransposed(Linear linear, LayerNorm? norm, ZeroPadded transposedTokens, long outputs) =>
        LayerNorms.ApplyOver(norm, transposedTokens.Linear(linear, outputs), outputs);
}
