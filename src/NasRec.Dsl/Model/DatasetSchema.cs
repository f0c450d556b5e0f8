namespace NasRec.Dsl.Model;

/// <summary>
/// A dataset's schema (<c>kind: Dataset</c>): where each model input comes from in the raw table,
/// how it is encoded, and the embedding tables.
/// </summary>
/// <param name="Label">The label column (0 or 1 per row).</param>
/// <param name="SearchTableCap">Table-size cap during supernet training and search (null: no cap).</param>
public sealed record DatasetSchema(
    string Name,
    DataSource Source,
    string Label,
    EquatableArray<DenseFeature> DenseFeatures,
    EquatableArray<SparseFeature> SparseFeatures,
    long? SearchTableCap) : NasRecDocument(Name)
{
    public override string Kind => DocumentKinds.Dataset;

    /// <summary>Embedding rows per feature, capped at <paramref name="cap"/> when given.</summary>
    public IEnumerable<long> TableSizes(long? cap) =>
        SparseFeatures.Select(feature => cap is long c ? Math.Min(feature.TableSize, c) : feature.TableSize);

    /// <summary>
    /// The names of the raw table's columns in file order when the file does not name them:
    /// <see cref="DataSource.Columns"/> when given, else the label, the dense features, then the sparse
    /// features (the reference's layout). Rows to score may come without the label column (Kaggle's test files):
    /// <paramref name="labelled"/> false leaves it out.
    /// </summary>
    public IReadOnlyList<string> PositionalColumns(bool labelled = true)
    {
        IReadOnlyList<string> columns = Source.Columns.Count > 0
            ? Source.Columns
            : (IReadOnlyList<string>)new[] { Label }.Concat(DenseFeatures.Select(f => f.Column)).Concat(SparseFeatures.Select(f => f.Column)).ToList();
        return labelled ? columns : columns.Where(column => column != Label).ToList();
    }
}

/// <summary>The raw table's layout.</summary>
/// <param name="Header">Text formats: the first line names the columns.</param>
/// <param name="Columns">The file's column names in order, for a file without a header (empty: see <see cref="DatasetSchema.PositionalColumns"/>).</param>
public sealed record DataSource(DataFormat Format, bool Header, EquatableArray<string> Columns);

public enum DataFormat
{
    /// <summary><c>tsv</c>: tab-separated text (optionally gzip-compressed).</summary>
    Tsv,
    /// <summary><c>csv</c>: comma-separated text with RFC 4180 quoting (optionally gzip-compressed).</summary>
    Csv,
    /// <summary><c>libsvm</c>: <c>label idx:val …</c>; the k-th pair is categorical feature k, its value the index.</summary>
    Libsvm,
    /// <summary><c>parquet</c>: columns by name.</summary>
    Parquet,
    /// <summary><c>kdd2012</c>: KDD Cup 2012 track 2's training.txt joined with userid_profile.txt (spec §1.1).</summary>
    Kdd2012,
}

/// <summary>A numeric feature: its column and its transform.</summary>
public sealed record DenseFeature(string Name, DenseTransform Transform, string Column);

/// <summary>A categorical feature: its column, its encoding and its embedding-table size.</summary>
/// <param name="MinCount">Vocabulary encoding: values seen fewer times in the training split map to 0.</param>
public sealed record SparseFeature(string Name, long TableSize, CategoricalEncoding Encoding, string Column, int MinCount);

/// <summary>How raw dense values become model inputs (spec §1.4).</summary>
public enum DenseTransform
{
    /// <summary><c>log1p</c>: ln(max(x, 0) + 1).</summary>
    Log1P,
    /// <summary><c>zero</c>: a constant 0.0 (Avazu's pseudo feature); no column is read.</summary>
    Zero,
    /// <summary><c>none</c>: the value as it is.</summary>
    None,
    /// <summary><c>standardize</c>: (x - mean) / deviation, both from the training split.</summary>
    Standardize,
}

/// <summary>
/// How a raw categorical value becomes the 64-bit value the store keeps; batches then take
/// fmod(v, n - 1) + 1 for table size n, and a missing value (-1) becomes 0 (spec §1.4).
/// </summary>
public enum CategoricalEncoding
{
    /// <summary><c>hex-modulo</c>: v = int(text, 16).</summary>
    HexModulo,
    /// <summary><c>decimal-or-hex</c>: v = int(text, 10), else int(text, 16), then mod 2147483647 (the reference's Avazu/KDD rule).</summary>
    DecimalOrHex,
    /// <summary><c>hash</c>: v = XxHash64(UTF-8 text) mod 2147483647.</summary>
    Hash,
    /// <summary><c>vocabulary</c>: v = the value's rank in the training split's vocabulary (values seen at least min-count times).</summary>
    Vocabulary,
}
