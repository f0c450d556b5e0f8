using System.Runtime.CompilerServices;

namespace NasRec.Runtime.Data.Splitting;

/// <summary>
/// numpy's legacy <c>RandomState(seed)</c>: MT19937 seeded with <c>init_genrand</c>, and the two
/// draws scikit-learn's shuffled split depends on: bounded integers by masked rejection on 32-bit
/// outputs, and the in-place Fisher-Yates shuffle from the end. Same seed, same numbers as numpy.
/// </summary>
public sealed class LegacyMersenneTwister
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] state = new uint[StateLength];
    private int position;

    /// <param name="seed">0 to 2^32 - 1, as numpy accepts.</param>
    public LegacyMersenneTwister(uint seed)
    {
        state[0] = seed;
        for (int i = 1; i < StateLength; i++)
            state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i;
        position = StateLength;
    }

    /// <summary>The next raw 32-bit output (numpy's <c>next_uint32</c>).</summary>
    /// <remarks>Inlined: called on its own, the shuffle of a 45M-row split would run it at tier 0 for its first seconds.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (position == StateLength) Regenerate();
        uint y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >> 18);
    }

    /// <summary>A uniform integer in [0, max], numpy's legacy <c>random_interval</c> for max below 2^32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextInclusive(uint max)
    {
        if (max == 0) return 0;
        uint mask = SmallestMaskCovering(max);
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>numpy's legacy <c>RandomState.shuffle</c> of a one-dimensional array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)NextInclusive((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static uint SmallestMaskCovering(uint max) => uint.MaxValue >> System.Numerics.BitOperations.LeadingZeroCount(max);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Regenerate()
    {
        for (int i = 0; i < StateLength; i++)
        {
            uint y = (state[i] & UpperMask) | (state[(i + 1) % StateLength] & LowerMask);
            state[i] = state[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }
        position = 0;
    }
}
