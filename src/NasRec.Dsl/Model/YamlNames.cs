namespace NasRec.Dsl.Model;

/// <summary>The YAML spelling of every enumerated value (kebab-case), one table per enum.</summary>
public static class YamlNames
{
    public static readonly NameTable<DenseOperator> DenseOperators = new(
        (DenseOperator.Fc, "fc"),
        (DenseOperator.DotProduct, "dot-product"),
        (DenseOperator.SigmoidGating, "sigmoid-gating"),
        (DenseOperator.Sum, "sum"),
        (DenseOperator.Zeros, "zeros"));

    public static readonly NameTable<SparseOperator> SparseOperators = new(
        (SparseOperator.Transformer, "transformer"),
        (SparseOperator.Efc, "efc"),
        (SparseOperator.Zeros, "zeros"));

    public static readonly NameTable<Activation> Activations = new(
        (Activation.Relu, "relu"),
        (Activation.Silu, "silu"),
        (Activation.Identity, "identity"));

    public static readonly NameTable<SamplingStrategy> Strategies = new(
        (SamplingStrategy.Default, "default"),
        (SamplingStrategy.SinglePath, "single-path"),
        (SamplingStrategy.AnyPath, "any-path"),
        (SamplingStrategy.FullPath, "full-path"),
        (SamplingStrategy.FixedPath, "fixed-path"));

    public static readonly NameTable<ConnectionCount> Connections = new(
        (ConnectionCount.Uniform, "uniform"),
        (ConnectionCount.Binomial, "binomial-0.5"));

    public static readonly NameTable<DenseTransform> DenseTransforms = new(
        (DenseTransform.Log1P, "log1p"),
        (DenseTransform.Zero, "zero"),
        (DenseTransform.None, "none"),
        (DenseTransform.Standardize, "standardize"));

    public static readonly NameTable<CategoricalEncoding> Encodings = new(
        (CategoricalEncoding.HexModulo, "hex-modulo"),
        (CategoricalEncoding.DecimalOrHex, "decimal-or-hex"),
        (CategoricalEncoding.Hash, "hash"),
        (CategoricalEncoding.Vocabulary, "vocabulary"));

    public static readonly NameTable<DataFormat> Formats = new(
        (DataFormat.Tsv, "tsv"),
        (DataFormat.Csv, "csv"),
        (DataFormat.Libsvm, "libsvm"),
        (DataFormat.Parquet, "parquet"),
        (DataFormat.Kdd2012, "kdd2012"));

    public static string Name(this DenseOperator value) => DenseOperators.NameOf(value);

    public static string Name(this SparseOperator value) => SparseOperators.NameOf(value);
}

/// <summary>A two-way map between enum values and their YAML names.</summary>
public sealed class NameTable<T> where T : struct, Enum
{
    private readonly (T Value, string Name)[] entries;

    public NameTable(params (T Value, string Name)[] entries) => this.entries = entries;

    /// <summary>All names, in declaration order (for "allowed: ..." messages).</summary>
    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToList();

    public string NameOf(T value) => entries.First(e => EqualityComparer<T>.Default.Equals(e.Value, value)).Name;

    public bool TryParse(string name, out T value)
    {
        foreach (var entry in entries)
        {
            if (entry.Name == name)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
