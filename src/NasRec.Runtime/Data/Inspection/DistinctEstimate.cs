using System.IO.Hashing;
using System.Numerics;

namespace NasRec.Runtime.Data.Inspection;

/// <summary>HyperLogLog with 4096 registers: a distinct-value estimate within about 2 % in 4 KB.</summary>
public sealed class DistinctEstimate
{
    private const int Bits = 12;
    private readonly byte[] registers = new byte[1 << Bits];

    public void Add(long value)
    {
        ulong hash = XxHash64.HashToUInt64(BitConverter.GetBytes(value));
        int index = (int)(hash >> (64 - Bits));
        byte rank = (byte)(BitOperations.LeadingZeroCount((hash << Bits) | (1UL << (Bits - 1))) + 1);
        if (rank > registers[index]) registers[index] = rank;
    }

    public long Estimate()
    {
        int m = registers.Length;
        double sum = 0;
        int zeros = 0;
        foreach (var r in registers)
        {
            sum += Math.Pow(2, -r);
            if (r == 0) zeros++;
        }
        double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
        // Small ranges: linear counting is exact enough and unbiased there.
        if (estimate <= 2.5 * m && zeros > 0) estimate = m * Math.Log((double)m / zeros);
        return (long)Math.Round(estimate);
    }
}
