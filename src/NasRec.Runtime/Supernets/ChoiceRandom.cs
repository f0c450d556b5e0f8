using NasRec.Runtime.Data.Synthetic;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// The one seeded random source behind every path draw (spec §3.1) and the search's mutation. Its
/// whole state is one number, so a sampler's checkpoint resumes the exact sequence of draws.
/// </summary>
public sealed class ChoiceRandom(ulong state)
{
    private SplitMix64 generator = new(state);

    public ChoiceRandom(int seed)
        : this(unchecked((ulong)seed))
    {
    }

    public ulong State
    {
        get => generator.State;
        set => generator = new SplitMix64(value);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => generator.NextDouble();

    /// <summary>Uniform in 0 .. <paramref name="count"/> - 1 (the high word of a 64×64-bit product: bias below count / 2⁶⁴).</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)Math.BigMul(generator.Next(), (ulong)count, out _);
    }

    /// <summary>A fair coin.</summary>
    public bool NextBool() => (generator.Next() >> 63) != 0;

    /// <summary>One element, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
