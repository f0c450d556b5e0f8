using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Creates the LayerNorms of the operators with PyTorch's defaults (eps 1e-5, weight 1, bias 0).</summary>
internal static class LayerNorms
{
    private const double Epsilon = 1e-5;

    public static LayerNorm Create(long size) => nn.LayerNorm(size, Epsilon);

    /// <summary>The optional LayerNorm of an operator: present only when the architecture uses layer norm.</summary>
    public static LayerNorm? CreateIf(bool layerNorm, long size) => layerNorm ? Create(size) : null;
}
