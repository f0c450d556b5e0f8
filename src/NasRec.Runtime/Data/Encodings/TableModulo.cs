namespace NasRec.Runtime.Data.Encodings;

/// <summary>
/// The reference's stored-value-to-row rule for one table of <c>n</c> rows (spec §1.4):
/// <c>idx = fmod(v, n - 1) + 1</c> with C's remainder, so missing (-1) maps to 0 and present values to
/// 1..n-1. Values below 2^32 take Lemire's multiply-only remainder; the batch loop runs it per cell.
/// </summary>
public readonly struct TableModulo
{
    private readonly ulong divisor;
    private readonly ulong inverse;

    public TableModulo(long tableSize)
    {
        if (tableSize < 2) throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "A table needs at least 2 rows.");
        divisor = (ulong)(tableSize - 1);
        inverse = ulong.MaxValue / divisor + 1;
    }

    public long Row(long value)
    {
        if ((ulong)value <= uint.MaxValue && divisor <= uint.MaxValue)
        {
            ulong low = inverse * (ulong)value;
            return (long)Math.BigMul(low, divisor, out _) + 1;
        }
        return value % (long)divisor + 1;
    }
}
