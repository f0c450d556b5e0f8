using NasRec.Runtime.Data.Encodings;

namespace NasRec.Runtime.Data.Inspection;

/// <summary>What <c>nasrec data inspect</c> shows per split: rows, positive rate, per feature the missing rate and a distinct-value estimate.</summary>
public sealed record SplitInspection(DataSplit Split, long Rows, double PositiveRate, IReadOnlyList<FeatureInspection> Features);

public sealed record FeatureInspection(string Name, bool Dense, double MissingRate, long Distinct);

public static class StoreInspection
{
    /// <summary>Scans each stored split (missing counts come from the manifest; distinct values from the rows).</summary>
    public static IReadOnlyList<SplitInspection> Inspect(DataStore store)
    {
        var schema = store.Schema;
        var result = new List<SplitInspection>();
        foreach (var (split, _) in Store.StoreFiles.Splits)
        {
            var summary = store.Manifest.Of(split);
            var rows = store.Segments(split)[0];
            var dense = schema.DenseFeatures.Select(_ => new DistinctEstimate()).ToArray();
            var sparse = schema.SparseFeatures.Select(_ => new DistinctEstimate()).ToArray();
            for (long r = 0; r < rows.Rows; r++)
            {
                var d = rows.Dense(r);
                for (int i = 0; i < dense.Length; i++) dense[i].Add(BitConverter.SingleToInt32Bits(d[i]));
                var s = rows.Sparse(r);
                for (int i = 0; i < sparse.Length; i++)
                {
                    if (s[i] != CategoricalValue.Missing) sparse[i].Add(s[i]);
                }
            }
            double Rate(long missing) => summary.Rows == 0 ? 0 : (double)missing / summary.Rows;
            var features = schema.DenseFeatures.Select((f, i) => new FeatureInspection(f.Name, true, Rate(summary.DenseMissing[i]), dense[i].Estimate()))
                .Concat(schema.SparseFeatures.Select((f, i) => new FeatureInspection(f.Name, false, Rate(summary.SparseMissing[i]), sparse[i].Estimate())))
                .ToList();
            result.Add(new SplitInspection(split, summary.Rows, summary.PositiveRate, features));
        }
        return result;
    }
}
