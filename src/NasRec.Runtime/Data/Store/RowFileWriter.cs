using System.Runtime.InteropServices;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// Appends rows to the files of one stem (<c>train.label</c>, <c>train.dense</c>, …). Unbuffered: blocks
/// come a chunk at a time (thousands of rows on a large input), each written at once without a copy through a stream buffer,
/// and sent on to the disk at once (<see cref="Writeback"/>), so that the final flush has little left to wait for.
/// </summary>
public sealed class RowFileWriter : IDisposable
{
    private readonly FileStream label;
    private readonly FileStream dense;
    private readonly FileStream sparse;

    public RowFileWriter(string folder, string stem)
    {
        label = Create(folder, stem + StoreFiles.Label);
        dense = Create(folder, stem + StoreFiles.Dense);
        sparse = Create(folder, stem + StoreFiles.Sparse);
    }

    public long Rows { get; private set; }

    /// <summary>Appends a block's rows.</summary>
    public void Append(RowBlock block)
    {
        Write(label, block.Labels);
        Write(dense, MemoryMarshal.AsBytes(block.Dense));
        Write(sparse, MemoryMarshal.AsBytes(block.Sparse));
        Rows += block.Count;
    }

    private static void Write(FileStream file, ReadOnlySpan<byte> bytes)
    {
        long offset = file.Position;
        file.Write(bytes);
        Writeback.Start(file.SafeFileHandle, offset, bytes.Length);
    }

    /// <summary>Flushes and waits for the disk: a store is renamed into place only after its files are durable.</summary>
    public void Flush()
    {
        foreach (var stream in Streams()) stream.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        foreach (var stream in Streams()) stream.Dispose();
    }

    private IEnumerable<FileStream> Streams() => new[] { label, dense, sparse };

    private static FileStream Create(string folder, string name) =>
        new(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
}
