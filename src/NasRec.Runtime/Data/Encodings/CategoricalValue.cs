using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryHex(ReadOnlySpan<byte> text, out long value) =>
        text.Length == 8 && BitConverter.IsLittleEndian ? TryHex8(MemoryMarshal.Read<ulong>(text), out value) : TryHexDigits(text, out value);

    private static bool TryHexDigits(ReadOnlySpan<byte> text, out long value)
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

    /// <summary>
    /// Eight hex digits at once (the length of every Criteo and reference-shard value), in the bytes of
    /// <paramref name="text"/> read little-endian: each byte is checked for a digit or a letter a-f in
    /// either case, turned into its nibble, and the nibbles are packed first-digit-most-significant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryHex8(ulong text, out long value)
    {
        const ulong Ones = 0x0101010101010101, High = 0x8080808080808080;
        // Per byte b below 0x80, bit 7 of b + (0x80 - lo) says b >= lo, and of b + (0x7F - hi) says b > hi.
        ulong lower = text | 0x20 * Ones;
        ulong digit = (text + (0x80 - '0') * Ones) & ~(text + (0x7F - '9') * Ones);
        ulong letter = (lower + (0x80 - 'a') * Ones) & ~(lower + (0x7F - 'f') * Ones);
        value = 0;
        if (((digit | letter) & High & ~text) != High) return false;
        // '0'-'9' end in their value; 'a'-'f' and 'A'-'F' (bit 6 set) end in their value - 9.
        ulong nibbles = (text & 0x0F * Ones) + 9 * ((text >> 6) & Ones);
        ulong pairs = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF00FF00FF00FF;
        ulong quads = (pairs | (pairs >> 8)) & 0x0000FFFF0000FFFF;
        value = BinaryPrimitives.ReverseEndianness((uint)(quads | (quads >> 16)));
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
