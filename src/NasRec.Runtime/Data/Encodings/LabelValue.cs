using System.Runtime.CompilerServices;

namespace NasRec.Runtime.Data.Encodings;

/// <summary>A label cell: exactly 0 or 1.</summary>
public static class LabelValue
{
    public const string Expected = "a label 0 or 1";

    /// <summary>Stands for a label that does not read, in the split's first pass over the labels.</summary>
    public const byte Unread = byte.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> text, out byte label)
    {
        label = 0;
        if (text.Length != 1 || (text[0] != (byte)'0' && text[0] != (byte)'1')) return false;
        label = (byte)(text[0] - '0');
        return true;
    }
}
