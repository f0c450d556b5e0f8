using NasRec.Dsl.Model;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Applies the activation a search space selects for FC and EFC.</summary>
public static class Activations
{
    /// <summary>
    /// Returns <c>activation(input)</c>. <see cref="Activation.Identity"/> returns <paramref name="input"/> itself,
    /// so callers must not dispose both.
    /// </summary>
    public static Tensor Apply(Activation activation, Tensor input) => activation switch
    {
        Activation.Relu => nn.functional.relu(input),
        Activation.Silu => nn.functional.silu(input),
        Activation.Identity => input,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
