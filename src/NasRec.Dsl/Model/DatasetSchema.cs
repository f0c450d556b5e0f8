namespace NasRec.Dsl.Model;

/// <summary>A dataset's schema (<c>kind: Dataset</c>): features, their transforms and embedding tables.</summary>
/// <param name="SearchTableCap">Table-size cap during supernet training and search (null: no cap).</param>
public sealed record DatasetSchema(
    string Name,
    DataSource Source,
    string Label,
    DenseTransform DenseTransform,
    EquatableArray<string> DenseFeatures,
    SparseHashing Hashing,
    long? SearchTableCap,
    EquatableArray<SparseFeature> SparseFeatures) : NasRecDocument(Name)
{
    public override string Kind => DocumentKinds.Dataset;

    /// <summary>Embedding rows per feature, capped at <paramref name="cap"/> when given.</summary>
    public IEnumerable<long> TableSizes(long? cap) =>
        SparseFeatures.Select(feature => cap is long c ? Math.Min(feature.TableSize, c) : feature.TableSize);
}

/// <summary>The raw file's layout.</summary>
public sealed record DataSource(DataFormat Format, bool Header);

public enum DataFormat
{
    Tsv,
    Csv,
}

/// <summary>A categorical feature and its embedding-table size.</summary>
public sealed record SparseFeature(string Name, long TableSize);

/// <summary>How raw dense values become model inputs (spec §1.4).</summary>
public enum DenseTransform
{
    /// <summary><c>log1p</c>: ln(max(x, 0) + 1).</summary>
    Log1P,
    /// <summary><c>zero</c>: a constant 0.0 column (Avazu's pseudo feature).</summary>
    Zero,
}

/// <summary>How raw categorical values become embedding rows (spec §1.4).</summary>
public enum SparseHashing
{
    /// <summary><c>hex-modulo</c>: fmod(int(hex, 16), n - 1) + 1; a missing value maps to 0.</summary>
    HexModulo,
}
