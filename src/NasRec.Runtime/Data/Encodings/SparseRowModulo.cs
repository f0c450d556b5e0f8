using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NasRec.Runtime.Data.Encodings;

/// <summary>
/// Every sparse feature's <see cref="TableModulo"/> over whole rows of stored values, four cells at a time (the
/// batch loop's cost per cell). A magnitude a below 2^52 and its table's divisor d are exact as doubles, and
/// a * (1 / d) rounded twice is within (a / d) * 2^-52 &lt; 1 / d of a / d: its floor is the quotient, or one less
/// when a is a multiple of d, which one compare corrects. The remainder takes the value's sign, as C's does.
/// Cells outside that range, and tables of 2^52 rows or more, take <see cref="TableModulo.Row"/>.
/// </summary>
public sealed class SparseRowModulo
{
    /// <summary>2^52: adding it to an integer below it leaves the integer in the double's mantissa bits.</summary>
    private const double Magic = 4503599627370496.0;
    private const long MagicBits = 0x4330000000000000;

    private readonly TableModulo[] tables;
    private readonly bool vectorized;

    // Per cell of a run of whole rows whose length is a multiple of the vector width: its table's divisor and reciprocal.
    private readonly double[] divisors;
    private readonly double[] reciprocals;

    public SparseRowModulo(IReadOnlyList<long> tableSizes)
    {
        tables = tableSizes.Select(size => new TableModulo(size)).ToArray();
        // Whole rows, as many as make a multiple of the vector width.
        int period = tables.Length;
        while (period % Vector256<long>.Count != 0) period += tables.Length;
        divisors = Enumerable.Range(0, period).Select(i => (double)(tableSizes[i % tables.Length] - 1)).ToArray();
        reciprocals = divisors.Select(d => 1.0 / d).ToArray();
        vectorized = Vector256.IsHardwareAccelerated && tableSizes.All(size => size - 1 < (1L << 52));
    }

    /// <summary>Writes the table row of each stored value of <paramref name="stored"/> (whole rows) to <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<long> stored, Span<long> rows)
    {
        if (rows.Length < stored.Length) throw new ArgumentException("The destination is shorter than the source.", nameof(rows));
        int i = 0;
        if (vectorized)
        {
            ref long source = ref MemoryMarshal.GetReference(stored);
            ref long target = ref MemoryMarshal.GetReference(rows);
            ref double divisor = ref MemoryMarshal.GetArrayDataReference(divisors);
            ref double reciprocal = ref MemoryMarshal.GetArrayDataReference(reciprocals);
            int cell = 0;
            for (; i + Vector256<long>.Count <= stored.Length; i += Vector256<long>.Count)
            {
                var values = Vector256.LoadUnsafe(ref source, (nuint)i);
                var sign = Vector256.ShiftRightArithmetic(values, 63);
                var magnitude = (values ^ sign) - sign;
                if (Vector256.ShiftRightLogical(magnitude.AsUInt64(), 52) != Vector256<ulong>.Zero)
                {
                    for (int k = 0; k < Vector256<long>.Count; k++) Unsafe.Add(ref target, i + k) = tables[(cell + k) % tables.Length].Row(Unsafe.Add(ref source, i + k));
                }
                else
                {
                    var d = Vector256.LoadUnsafe(ref divisor, (nuint)cell);
                    var a = (magnitude | Vector256.Create(MagicBits)).AsDouble() - Vector256.Create(Magic);
                    var r = a - Vector256.Floor(a * Vector256.LoadUnsafe(ref reciprocal, (nuint)cell)) * d;
                    r -= Vector256.GreaterThanOrEqual(r, d) & d;
                    var remainder = (r + Vector256.Create(Magic)).AsInt64() - Vector256.Create(MagicBits);
                    ((remainder ^ sign) - sign + Vector256<long>.One).StoreUnsafe(ref target, (nuint)i);
                }
                cell += Vector256<long>.Count;
                if (cell == divisors.Length) cell = 0;
            }
        }
        for (; i < stored.Length; i++) rows[i] = tables[i % tables.Length].Row(stored[i]);
    }
}
