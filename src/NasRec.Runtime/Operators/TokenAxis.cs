using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Linear layers "over tokens": they mix the token axis and are shared across embedding coordinates.</summary>
internal static class TokenAxis
{
    /// <summary>
    /// Maps <c>[B, N, E]</c> to <c>[B, M, E]</c>: transposes to <c>[B, E, N]</c>, applies <paramref name="linear"/>
    /// (N→M) and, when present, <paramref name="norm"/> over the M tokens, then transposes back.
    /// </summary>
    public static Tensor Project(Linear linear, LayerNorm? norm, Tensor tokens) =>
        Project(linear, norm, ZeroPadded.Whole(tokens.transpose(1, 2)), linear.weight!.shape[0]);

    /// <summary>
    /// The same from zero-padded tokens, transposed (<c>[B, E, N]</c>): only their non-zero tokens are multiplied,
    /// and only the first <paramref name="outputs"/> tokens computed (the norm over those).
    /// </summary>
    public static Tensor Project(Linear linear, LayerNorm? norm, ZeroPadded transposedTokens, long outputs)
    {
        using var scope = NewDisposeScope();
        var mixed = LayerNorms.ApplyOver(norm, transposedTokens.Linear(linear, outputs), outputs);
        return mixed.transpose(1, 2).MoveToOuterDisposeScope();
    }
}
