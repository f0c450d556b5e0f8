using System.Text;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Encodings;

namespace NasRec.Runtime.Tests.Data;

/// <summary>Spec §1.2 and §1.4: the stored value of a categorical cell and the row it maps to.</summary>
public sealed class EncodingTests
{
    private static long Encode(string text, CategoricalEncoding encoding)
    {
        Assert.True(CategoricalValue.TryEncode(Encoding.UTF8.GetBytes(text), encoding, out var value), text);
        return value;
    }

    [Theory]
    [InlineData("68fd1e64", 0x68fd1e64L)]
    [InlineData("FFFFFFFF", 0xffffffffL)]
    [InlineData("aBcDeF09", 0xabcdef09L)]
    [InlineData("09afAF90", 0x09afaf90L)]
    [InlineData("00000000", 0L)]
    [InlineData("7fffffffffffffff", long.MaxValue)]
    [InlineData("0", 0L)]
    [InlineData("", -1L)]
    public void HexModuloStoresIntOfTheHexText(string text, long expected) =>
        Assert.Equal(expected, Encode(text, CategoricalEncoding.HexModulo));

    [Theory]
    [InlineData("1000009418151094273", 1000009418151094273L % 2147483647)] // Avazu's id column: decimal
    [InlineData("1fbe01fe", 0x1fbe01feL % 2147483647)]                      // site_id: not decimal, so hex
    [InlineData("12345", 12345L)]                                             // hex-looking digits read as decimal
    [InlineData("-5", 2147483642L)]                                           // Python's modulo is never negative
    [InlineData("", -1L)]
    public void DecimalOrHexIsTheReferenceSplitToolsRule(string text, long expected) =>
        Assert.Equal(expected, Encode(text, CategoricalEncoding.DecimalOrHex));

    [Fact]
    public void HashIsStableAndBelowTheReferenceModulus()
    {
        long a = Encode("some site", CategoricalEncoding.Hash);
        Assert.Equal(a, Encode("some site", CategoricalEncoding.Hash));
        Assert.NotEqual(a, Encode("other site", CategoricalEncoding.Hash));
        Assert.InRange(a, 0, 2147483646);
    }

    [Theory]
    [InlineData("xyz", CategoricalEncoding.HexModulo)]
    [InlineData("-1a", CategoricalEncoding.HexModulo)]
    [InlineData("12345678901234567", CategoricalEncoding.HexModulo)]
    [InlineData("8000000000000000", CategoricalEncoding.HexModulo)]
    [InlineData("68fd1g64", CategoricalEncoding.HexModulo)]
    [InlineData("68fd:e64", CategoricalEncoding.HexModulo)]
    [InlineData("68fd\u00e964", CategoricalEncoding.HexModulo)]
    [InlineData("68f\u00e9e64", CategoricalEncoding.HexModulo)]          // eight bytes, one character not ASCII
    [InlineData("68fd/e64", CategoricalEncoding.HexModulo)]                // the bytes either side of each digit range
    [InlineData("68fd@e64", CategoricalEncoding.HexModulo)]
    [InlineData("68fdGe64", CategoricalEncoding.HexModulo)]
    [InlineData("68fd`e64", CategoricalEncoding.HexModulo)]
    [InlineData("68fdge64", CategoricalEncoding.HexModulo)]
    [InlineData("68fd e64", CategoricalEncoding.HexModulo)]
    [InlineData("g1", CategoricalEncoding.DecimalOrHex)]
    public void TextOutsideTheEncodingIsRejected(string text, CategoricalEncoding encoding) =>
        Assert.False(CategoricalValue.TryEncode(Encoding.UTF8.GetBytes(text), encoding, out _));

    [Fact]
    public void EightCharacterHexReadsLikeTheSameDigitsWithALeadingZero()
    {
        // Eight bytes take the word-at-a-time path, nine the digit loop: both must agree on every byte near the digit ranges.
        var alphabet = Encoding.Latin1.GetBytes("/0189:@AFG`afg \u00e9\u00ff");
        var random = new Random(3);
        var text = new byte[9];
        for (int trial = 0; trial < 20000; trial++)
        {
            text[0] = (byte)'0';
            for (int i = 1; i < text.Length; i++) text[i] = alphabet[random.Next(alphabet.Length)];
            bool eight = CategoricalValue.TryEncode(text.AsSpan(1), CategoricalEncoding.HexModulo, out long fast);
            bool nine = CategoricalValue.TryEncode(text, CategoricalEncoding.HexModulo, out long loop);
            Assert.Equal(nine, eight);
            if (nine) Assert.Equal(loop, fast);
        }
    }

    [Theory]
    [InlineData(-1L, 500000L, 0L)]                           // missing
    [InlineData(0L, 500000L, 1L)]
    [InlineData(0x68fd1e64L, 500000L, 0x68fd1e64L % 499999 + 1)]
    [InlineData(0x68fd1e64L, 10131227L, 0x68fd1e64L % 10131226 + 1)]
    [InlineData(0x7fffffffffffL, 1461L, 0x7fffffffffffL % 1460 + 1)]   // above 2^32: the plain remainder
    [InlineData(-1L, 2L, 1L)]                                 // torch.fmod(-1, 1) = 0, then + 1
    public void TableModuloIsFmodOfNMinusOnePlusOne(long value, long tableSize, long row) =>
        Assert.Equal(row, new TableModulo(tableSize).Row(value));

    [Fact]
    public void TableModuloAgreesWithTheRemainderOnEveryThirtyTwoBitValueSampled()
    {
        var random = new Random(7);
        foreach (long size in new long[] { 2, 3, 4, 1461, 500000, 10131227, 22122011 })
        {
            var modulo = new TableModulo(size);
            for (int i = 0; i < 10000; i++)
            {
                long v = random.NextInt64(0, 1L << 32);
                Assert.Equal(v % (size - 1) + 1, modulo.Row(v));
            }
        }
    }

    [Theory]
    [InlineData(new long[] { 2, 3, 1461, 500000, 10131227 })]                              // width 5: rows straddle the vectors
    [InlineData(new long[] { 2, 500000, (1L << 32) + 5, 1L << 33, (1L << 52) - 1, 1L << 52 })] // tables above 2^32, up to the vector path's limit
    [InlineData(new long[] { 500000, (1L << 52) + 2, 1461 })]                                // a table beyond it: every cell the scalar way
    [InlineData(new long[] { 7, 500000, 2, 1461 })]                                          // width 4: one row per vector
    public void SparseRowModuloEqualsTableModuloCellByCell(long[] tableSizes)
    {
        var random = new Random(11);
        var edges = new[] { 0L, 1, -1, -2, uint.MaxValue, 1L + uint.MaxValue, (1L << 52) - 1, 1L << 52, -(1L << 52) + 1, -(1L << 52), long.MaxValue, long.MinValue };
        long Draw(int i)
        {
            // Multiples of the divisor and their neighbours are where an estimated quotient is most often one off.
            long divisor = tableSizes[i % tableSizes.Length] - 1;
            long multiple = random.NextInt64(0, Math.Max(1, (1L << 52) / divisor)) * divisor + random.Next(-1, 2);
            return random.Next(5) switch
            {
                0 => random.NextInt64(0, 1L << 32),
                1 => random.NextInt64(long.MinValue, long.MaxValue),
                2 => -random.NextInt64(0, 1L << 32),
                3 => random.Next(2) == 0 ? multiple : -multiple,
                _ => edges[random.Next(edges.Length)],
            };
        }
        var tables = tableSizes.Select(size => new TableModulo(size)).ToArray();
        var modulo = new SparseRowModulo(tableSizes);
        // 103 rows: whole periods of vectors and a tail; every fifth vector all below 2^32 (the vector path), the others mixed.
        var stored = Enumerable.Range(0, 103 * tableSizes.Length).Select(i => i / 4 % 5 == 0 ? random.NextInt64(0, 1L << 32) : Draw(i)).ToArray();
        var rows = new long[stored.Length];
        modulo.Apply(stored, rows);
        for (int i = 0; i < stored.Length; i++)
            Assert.True(tables[i % tableSizes.Length].Row(stored[i]) == rows[i], $"cell {i}: value {stored[i]}, table {tableSizes[i % tableSizes.Length]}: {rows[i]}");
    }

    [Theory]
    [InlineData("", 0.0)]
    [InlineData("-1", -1.0)]
    [InlineData("1234", 1234.0)]
    [InlineData("2.5", 2.5)]
    public void DenseCellsParseWithMissingAsZero(string text, double expected)
    {
        Assert.True(DenseValue.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Log1pClampsNegativesAtZero()
    {
        Assert.Equal(0f, DenseValue.Transform(-1, DenseTransform.Log1P));
        Assert.Equal((float)Math.Log(11), DenseValue.Transform(10, DenseTransform.Log1P));
        Assert.Equal(0f, DenseValue.Transform(123, DenseTransform.Zero));
    }
}
