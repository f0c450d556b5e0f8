namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// Walker's alias method: draws an index with given probabilities in constant time from one 64-bit
/// random number (its upper half picks a column, its lower half decides between the column and its alias).
/// </summary>
internal sealed class AliasTable
{
    // Threshold and alias side by side: a draw touches one cache line.
    private readonly (uint Threshold, int Alias)[] columns;

    public AliasTable(IReadOnlyList<double> weights)
    {
        int n = weights.Count;
        double total = weights.Sum();
        var scaled = weights.Select(w => w * n / total).ToArray();
        columns = new (uint, int)[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            columns[s] = (ToThreshold(scaled[s]), l);
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }
        // What is left has probability 1 of keeping its own column (up to rounding).
        foreach (int i in small.Concat(large))
            columns[i] = (uint.MaxValue, i);
    }

    public int Sample(ulong random)
    {
        int column = (int)(((random >> 32) * (ulong)columns.Length) >> 32);
        var (threshold, alias) = columns[column];
        return (uint)random < threshold ? column : alias;
    }

    private static uint ToThreshold(double probability) => (uint)Math.Min(uint.MaxValue, probability * 4294967296.0);

    /// <summary>A table over the weights' outcomes plus one more, "missing", drawn with probability <paramref name="missingRate"/>.</summary>
    public static AliasTable WithMissing(double[] weights, double missingRate)
    {
        double total = weights.Sum();
        return new AliasTable([.. weights.Select(w => w / total * (1 - missingRate)), missingRate]);
    }

    /// <summary>Weights 1 / (rank + shift)^exponent for ranks 0..n-1: a Zipf-like heavy tail.</summary>
    public static double[] ZipfWeights(int n, double exponent, double shift = 1) =>
        Enumerable.Range(0, n).Select(rank => Math.Pow(rank + shift, -exponent)).ToArray();
}
