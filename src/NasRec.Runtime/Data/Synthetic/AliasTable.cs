namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// Walker's alias method: draws an index with given probabilities in constant time from one 64-bit
/// random number (its upper half picks a column, its lower half decides between the column and its alias).
/// </summary>
internal sealed class AliasTable
{
    private readonly uint[] threshold;
    private readonly int[] alias;

    public AliasTable(IReadOnlyList<double> weights)
    {
        int n = weights.Count;
        double total = weights.Sum();
        var scaled = weights.Select(w => w * n / total).ToArray();
        threshold = new uint[n];
        alias = new int[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            threshold[s] = ToThreshold(scaled[s]);
            alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }
        // What is left has probability 1 of keeping its own column (up to rounding).
        foreach (int i in small.Concat(large))
        {
            threshold[i] = uint.MaxValue;
            alias[i] = i;
        }
    }

    public int Count => alias.Length;

    public int Sample(ulong random)
    {
        int column = (int)(((random >> 32) * (ulong)alias.Length) >> 32);
        return (uint)random < threshold[column] ? column : alias[column];
    }

    private static uint ToThreshold(double probability) => (uint)Math.Min(uint.MaxValue, probability * 4294967296.0);

    /// <summary>Weights 1 / (rank + shift)^exponent for ranks 0..n-1: a Zipf-like heavy tail.</summary>
    public static double[] ZipfWeights(int n, double exponent, double shift = 1) =>
        Enumerable.Range(0, n).Select(rank => Math.Pow(rank + shift, -exponent)).ToArray();
}
