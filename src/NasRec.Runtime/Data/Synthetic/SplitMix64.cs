namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// Steele, Lea and Flood's SplitMix64: a tiny, fast, seedable generator. Each synthetic row draws
/// from its own stream (<see cref="ForRow"/>), so a row depends only on the seed and its number,
/// never on how the rows are batched or which thread writes them.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public static SplitMix64 ForRow(ulong streamKey, long row) => new(Mix(streamKey ^ Mix((ulong)row * Golden)));

    /// <summary>The whole generator state: a generator built from it continues the same sequence.</summary>
    public readonly ulong State => state;

    public ulong Next()
    {
        state += Golden;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal (Box-Muller); used to build the model, not per row.</summary>
    public double NextGaussian() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
