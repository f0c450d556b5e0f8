using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>Right zero-padding of dense inputs, so that binary operators can combine inputs of different widths.</summary>
internal static class ZeroPadding
{
    /// <summary>Pads <c>[B, w]</c> with zeros on the right to <c>[B, width]</c>; returns the input when already that wide.</summary>
    public static Tensor PadRight(Tensor dense, long width)
    {
        var missing = width - dense.shape[1];
        return missing == 0 ? dense : nn.functional.pad(dense, [0, missing]);
    }
}
