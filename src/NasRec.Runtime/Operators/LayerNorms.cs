using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Creates the LayerNorms of the operators with PyTorch's defaults (eps 1e-5, weight 1, bias 0).</summary>
internal static class LayerNorms
{
    public const double Epsilon = 1e-5;

    public static LayerNorm Create(long size) => nn.LayerNorm(size, Epsilon);

    /// <summary>The optional LayerNorm of an operator: present only when the architecture uses layer norm.</summary>
    public static LayerNorm? CreateIf(bool layerNorm, long size) => layerNorm ? Create(size) : null;

    /// <summary>
    /// The norm over the first <paramref name="units"/> of its units (all of them: the norm itself), with
    /// their weights and biases: the sliced supernet's layer norm over the units it computes.
    /// </summary>
    public static Tensor ApplyOver(LayerNorm? norm, Tensor input, long units)
    {
        if (norm is null) return input;
        if (units == norm.weight!.shape[0]) return norm.call(input);
        return nn.functional.layer_norm(input, [units], norm.weight.narrow(0, 0, units), norm.bias!.narrow(0, 0, units), Epsilon);
    }
}
