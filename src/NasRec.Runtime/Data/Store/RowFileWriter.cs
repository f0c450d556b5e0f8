using System.Runtime.InteropServices;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// Appends rows to the files of one stem (<c>train.label</c>, <c>train.dense</c>, …). For
/// staging it also keeps the missing-dense masks and the source row numbers,
/// which the distribution step reads back.
/// </summary>
public sealed class RowFileWriter : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly FileStream label;
    private readonly FileStream dense;
    private readonly FileStream sparse;
    private readonly FileStream? missing;
    private readonly FileStream? sourceRows;

    public RowFileWriter(string folder, string stem, bool staging)
    {
        label = Create(folder, stem + StoreFiles.Label);
        dense = Create(folder, stem + StoreFiles.Dense);
        sparse = Create(folder, stem + StoreFiles.Sparse);
        if (staging)
        {
            missing = Create(folder, stem + MappedRows.MissingSuffix);
            sourceRows = Create(folder, stem + MappedRows.SourceSuffix);
        }
    }

    public long Rows { get; private set; }

    /// <summary>Appends rows [start, start + count) of a block.</summary>
    public void Append(RowBlock block, int start, int count)
    {
        label.Write(block.Labels.Slice(start, count));
        dense.Write(MemoryMarshal.AsBytes(block.Dense.Slice(start * block.DenseWidth, count * block.DenseWidth)));
        sparse.Write(MemoryMarshal.AsBytes(block.Sparse.Slice(start * block.SparseWidth, count * block.SparseWidth)));
        missing?.Write(block.Missing.Slice(start * block.MaskWidth, count * block.MaskWidth));
        sourceRows?.Write(MemoryMarshal.AsBytes(block.SourceRows.Slice(start, count)));
        Rows += count;
    }

    /// <summary>Flushes; <paramref name="durable"/> waits for the disk (a store is renamed into place only after its files are durable; staging needs no such wait).</summary>
    public void Flush(bool durable)
    {
        foreach (var stream in Streams()) stream.Flush(flushToDisk: durable);
    }

    public void Dispose()
    {
        foreach (var stream in Streams()) stream.Dispose();
    }

    private IEnumerable<FileStream> Streams() => new[] { label, dense, sparse, missing, sourceRows }.OfType<FileStream>();

    private static FileStream Create(string folder, string name) =>
        new(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
}
