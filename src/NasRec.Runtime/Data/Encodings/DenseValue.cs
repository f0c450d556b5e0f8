using System.Buffers.Text;
using System.Runtime.CompilerServices;
using NasRec.Dsl.Model;

namespace NasRec.Runtime.Data.Encodings;

/// <summary>Raw numeric text to a model input (spec §1.4): empty is 0, then the feature's transform.</summary>
public static class DenseValue
{
    public const string Expected = "a number";

    /// <summary>Parses a dense cell; false when it is not a number. A missing cell is 0, as in the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        if (text.IsEmpty)
        {
            value = 0;
            return true;
        }
        if (TryInteger(text, out long integer))
        {
            value = integer;
            return true;
        }
        return TryReal(text, out value);
    }

    private static bool TryReal(ReadOnlySpan<byte> text, out double value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && double.IsFinite(value);

    /// <summary>The transform as applied at prepare time; <c>standardize</c> stores the raw value and is applied once the training split's moments are known.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Transform(double value, DenseTransform transform) => transform switch
    {
        DenseTransform.Log1P => value >= 0 && value < SmallLogs.Length && value == Math.Floor(value) ? SmallLogs[(int)value] : (float)Math.Log(Math.Max(value, 0) + 1),
        DenseTransform.Zero => 0f,
        _ => (float)value,
    };

    /// <summary>log1p of the small counters that make up most of Criteo's and KDD's dense cells, computed once.</summary>
    private static readonly float[] SmallLogs = Enumerable.Range(0, 1 << 16).Select(i => (float)Math.Log(i + 1.0)).ToArray();

    // The common case (Criteo's counters) without the general parser.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        int start = text[0] == (byte)'-' ? 1 : 0;
        if (start == text.Length || text.Length - start > 18) return false;
        for (int i = start; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9) return false;
            value = value * 10 + digit;
        }
        if (start == 1) value = -value;
        return true;
    }
}
