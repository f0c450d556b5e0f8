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
    public static Tensor Project(Linear linear, LayerNorm? norm, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var mixed = linear.call(tokens.transpose(1, 2));
        if (norm is not null) mixed = norm.call(mixed);
        return mixed.transpose(1, 2).MoveToOuterDisposeScope();
    }
}
