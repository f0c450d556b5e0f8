namespace NasRec.Runtime.Metrics;

public static class Median
{
    /// <summary>The middle value (the mean of the two middle ones for an even count), as numpy's median.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values.", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
