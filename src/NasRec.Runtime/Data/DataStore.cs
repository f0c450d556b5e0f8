using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data;

/// <summary>
/// A prepared dataset (<c>nasrec data prepare</c>): per split, labels, transformed dense values and
/// categorical values before the table-size modulo, memory-mapped; read as batches for any table sizes.
/// </summary>
public sealed class DataStore : IDisposable
{
    private readonly Dictionary<DataSplit, MappedRows> splits;

    private DataStore(string directory, DatasetSchema schema, StoreManifest manifest, Dictionary<DataSplit, MappedRows> splits)
    {
        Directory = directory;
        Schema = schema;
        Manifest = manifest;
        this.splits = splits;
    }

    public string Directory { get; }

    /// <summary>The dataset YAML the store was prepared with.</summary>
    public DatasetSchema Schema { get; }

    public StoreManifest Manifest { get; }

    /// <summary>Opens a store; a missing, incomplete or corrupt one is a <see cref="DataException"/> saying so.</summary>
    public static DataStore Open(string directory)
    {
        var manifestPath = Path.Combine(directory, StoreFiles.Manifest);
        if (!System.IO.Directory.Exists(directory)) throw new DataException($"{directory}: no such store (prepare one with 'nasrec data prepare')");
        if (!File.Exists(manifestPath)) throw new DataException($"{directory}: not a prepared store (no {StoreFiles.Manifest}); prepare it again");
        var manifest = StoreManifest.FromJson(File.ReadAllText(manifestPath), manifestPath);
        if (manifest.FormatVersion != StoreManifest.CurrentFormat)
            throw new DataException($"{directory}: store format {manifest.FormatVersion}; this version reads format {StoreManifest.CurrentFormat}: prepare it again");
        var schema = ReadSchema(Path.Combine(directory, StoreFiles.Dataset));

        var splits = new Dictionary<DataSplit, MappedRows>();
        try
        {
            foreach (var (split, stem) in StoreFiles.Splits)
            {
                var rows = new MappedRows(directory, stem, schema.DenseFeatures.Count, schema.SparseFeatures.Count);
                splits.Add(split, rows);
                if (rows.Rows != manifest.Of(split).Rows)
                    throw new DataException($"{directory}: {stem} holds {rows.Rows} rows, the manifest says {manifest.Of(split).Rows}: the store is corrupt; prepare it again");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataException)
        {
            foreach (var rows in splits.Values) rows.Dispose();
            throw e as DataException ?? new DataException($"{directory}: the store cannot be read ({e.Message}); prepare it again", e);
        }
        return new DataStore(directory, schema, manifest, splits);
    }

    public long Rows(DataSplit split) => Segments(split).Sum(s => s.Rows);

    /// <summary>Batches of <paramref name="split"/>, in the order and for the table sizes of <paramref name="options"/>.</summary>
    public BatchReader Read(DataSplit split, BatchOptions options) =>
        new(Segments(split), Schema.DenseFeatures.Count, Schema.SparseFeatures.Count, options);

    /// <summary>The stored rows of a split, memory-mapped (TrainVal: train, then val).</summary>
    public IReadOnlyList<MappedRows> Segments(DataSplit split) => split == DataSplit.TrainVal
        ? new[] { splits[DataSplit.Train], splits[DataSplit.Val] }
        : new[] { splits[split] };

    public void Dispose()
    {
        foreach (var rows in splits.Values) rows.Dispose();
    }

    private static DatasetSchema ReadSchema(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: missing; the store is incomplete, prepare it again");
        var result = DocumentParser.Parse(path, File.ReadAllText(path));
        if (result.Document is DatasetSchema schema && !result.Diagnostics.Any(d => d.IsError)) return schema;
        throw new DataException($"{path}: not a valid Dataset document: {string.Join("; ", result.Diagnostics.Where(d => d.IsError))}");
    }
}
