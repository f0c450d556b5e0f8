using System.IO.Hashing;
using NasRec.Dsl.Model;

namespace NasRec.Runtime.Data.Encodings;

/// <summary>
/// Raw categorical text to the 64-bit value the store keeps (spec §1.2, §1.4). Missing (empty) is
/// <see cref="Missing"/>; every encoding gives present values a non-negative value.
/// </summary>
public static class CategoricalValue
{
    /// <summary>The stored value of a missing cell: the reference's -1, which the modulo maps to row 0.</summary>
    public const long Missing = -1;

    /// <summary>The modulus of the reference's decimal-or-hex rule and of <c>hash</c>.</summary>
    public const long ReferenceModulus = 2147483647;

    /// <summary>Encodes <paramref name="text"/>; false when it is not a value of the encoding (the caller reports where).</summary>
    public static bool TryEncode(ReadOnlySpan<byte> text, CategoricalEncoding encoding, out long value)
    {
        if (text.IsEmpty)
        {
            value = Missing;
            return true;
        }
        switch (encoding)
        {
            case CategoricalEncoding.HexModulo:
                return TryHex(text, out value);
            case CategoricalEncoding.DecimalOrHex:
                return TryDecimalOrHex(text, out value);
            case CategoricalEncoding.Hash:
                value = (long)(XxHash64.HashToUInt64(text) % ReferenceModulus);
                return true;
            default:
                // Vocabulary: the key the training-split vocabulary is built on (63 bits, so never Missing).
                value = VocabularyKey(text);
                return true;
        }
    }

    /// <summary>What each encoding accepts, for messages.</summary>
    public static string Expected(CategoricalEncoding encoding) => encoding switch
    {
        CategoricalEncoding.HexModulo => "a hexadecimal value below 2^63 (hex-modulo)",
        CategoricalEncoding.DecimalOrHex => "a decimal or hexadecimal integer (decimal-or-hex)",
        _ => "a value",
    };

    public static long VocabularyKey(ReadOnlySpan<byte> text) => (long)(XxHash64.HashToUInt64(text) & long.MaxValue);

    /// <summary>int(text, 16) as the reference computes it for Criteo's 8-hex strings.</summary>
    private static bool TryHex(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.Length > 16) return false;
        // Branch-free per digit (random hex digits defeat the predictor); a bad digit shows in the OR of all.
        ulong v = 0;
        int invalid = 0;
        foreach (var c in text)
        {
            int digit = HexDigit(c);
            invalid |= digit;
            v = (v << 4) | (uint)(digit & 0xF);
        }
        if (invalid < 0 || v > long.MaxValue) return false;
        value = (long)v;
        return true;
    }

    /// <summary>The reference split tool's rule: int(text) if it parses, else int(text, 16); then mod 2147483647 (Python's, never negative).</summary>
    private static bool TryDecimalOrHex(ReadOnlySpan<byte> text, out long value)
    {
        bool negative = text[0] == (byte)'-';
        var digits = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        value = 0;
        if (digits.IsEmpty) return false;
        bool isDecimal = true;
        foreach (var c in digits)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                isDecimal = false;
                break;
            }
        }
        long remainder = 0;
        foreach (var c in digits)
        {
            int digit = isDecimal ? c - '0' : HexDigit(c);
            if (digit < 0) return false;
            remainder = (remainder * (isDecimal ? 10 : 16) + digit) % ReferenceModulus;
        }
        value = negative && remainder != 0 ? ReferenceModulus - remainder : remainder;
        return true;
    }

    private static int HexDigit(byte c) => HexDigits[c];

    /// <summary>Each byte's hexadecimal value, -1 for a byte that is not a hex digit.</summary>
    private static readonly sbyte[] HexDigits = Enumerable.Range(0, 256).Select(c => (sbyte)(
        c is >= '0' and <= '9' ? c - '0' :
        c is >= 'a' and <= 'f' ? c - 'a' + 10 :
        c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1)).ToArray();
}
