using NasRec.Dsl.Model;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Which column of a raw row feeds the label and each feature, resolved once from the dataset and
/// the file's column names, so that a mismatch is reported before any row is read.
/// </summary>
public sealed class ColumnLayout
{
    private ColumnLayout(DatasetSchema schema, IReadOnlyList<string> columns, int label, int[] dense, int[] sparse)
    {
        Schema = schema;
        Columns = columns;
        LabelColumn = label;
        DenseColumns = dense;
        SparseColumns = sparse;
        DenseTransforms = schema.DenseFeatures.Select(f => f.Transform).ToArray();
        SparseEncodings = schema.SparseFeatures.Select(f => f.Encoding).ToArray();
    }

    public DatasetSchema Schema { get; }

    /// <summary>The raw row's column names, in file order; every row must have this many fields.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The label's column, or -1 for rows to score that come without one (every label reads 0).</summary>
    public int LabelColumn { get; }

    public bool Labelled => LabelColumn >= 0;

    /// <summary>Where a label column is missing or a row is one field short: the commonest cause, a file of rows to score.</summary>
    public const string MissingLabelHint = "rows without their label column? ('nasrec predict --no-labels' scores those)";

    /// <summary>Per dense feature its column, or -1 for a <c>zero</c> feature (never read).</summary>
    public int[] DenseColumns { get; }

    public int[] SparseColumns { get; }

    public DenseTransform[] DenseTransforms { get; }

    public CategoricalEncoding[] SparseEncodings { get; }

    /// <summary>Maps the dataset onto <paramref name="columns"/>; a missing column is a <see cref="DataException"/> naming the file.</summary>
    /// <param name="labelled">False for rows to score without a label column: the label is then not looked for.</param>
    public static ColumnLayout Resolve(DatasetSchema schema, IReadOnlyList<string> columns, string file, bool labelled = true)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++) index.TryAdd(columns[i], i);
        int Find(string column, string what, string? hint = null) => index.TryGetValue(column, out var i) ? i
            : throw new DataException($"{file}: {what} reads column '{column}', which the file does not have{(hint is null ? "" : ": " + hint)}; its columns: {string.Join(", ", columns)}");

        int label = labelled ? Find(schema.Label, "the label", MissingLabelHint) : -1;
        var dense = schema.DenseFeatures.Select(f => f.Transform == DenseTransform.Zero ? -1 : Find(f.Column, $"dense feature '{f.Name}'")).ToArray();
        var sparse = schema.SparseFeatures.Select(f => Find(f.Column, $"sparse feature '{f.Name}'")).ToArray();
        return new ColumnLayout(schema, columns, label, dense, sparse);
    }

    /// <summary>A column's name and 1-based position, for messages.</summary>
    public string Describe(int column) => $"{column + 1} ({Columns[column]})";
}
