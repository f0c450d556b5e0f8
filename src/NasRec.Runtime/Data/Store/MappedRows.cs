using System.IO.MemoryMappedFiles;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// The rows of one stem, memory-mapped: labels, dense and sparse values. Read-only, except for
/// prepare's finishing of the encodings fitted on the training split.
/// </summary>
public sealed unsafe class MappedRows : IDisposable
{
    private readonly List<Mapping> mappings = new();
    private readonly byte* labels;
    private readonly float* dense;
    private readonly long* sparse;
    private readonly bool writable;

    public MappedRows(string folder, string stem, int denseWidth, int sparseWidth, bool writable = false)
    {
        DenseWidth = denseWidth;
        SparseWidth = sparseWidth;
        this.writable = writable;
        try
        {
            var labelFile = Path.Combine(folder, stem + StoreFiles.Label);
            Rows = new FileInfo(labelFile).Length;
            labels = Map(labelFile, Rows);
            dense = (float*)Map(Path.Combine(folder, stem + StoreFiles.Dense), Rows * denseWidth * sizeof(float));
            sparse = (long*)Map(Path.Combine(folder, stem + StoreFiles.Sparse), Rows * sparseWidth * sizeof(long));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public long Rows { get; }

    public int DenseWidth { get; }

    public int SparseWidth { get; }

    public byte Label(long row) => labels[row];

    public ReadOnlySpan<byte> Labels(long start, int count) => new(labels + start, count);

    public ReadOnlySpan<float> Dense(long row, int count = 1) => new(dense + row * DenseWidth, count * DenseWidth);

    public ReadOnlySpan<long> Sparse(long row, int count = 1) => new(sparse + row * SparseWidth, count * SparseWidth);

    /// <summary>A row's dense values to rewrite in place (a writable mapping only).</summary>
    public Span<float> EditDense(long row) => writable ? new(dense + row * DenseWidth, DenseWidth) : throw new InvalidOperationException("The rows are mapped read-only.");

    /// <summary>A row's sparse values to rewrite in place (a writable mapping only).</summary>
    public Span<long> EditSparse(long row) => writable ? new(sparse + row * SparseWidth, SparseWidth) : throw new InvalidOperationException("The rows are mapped read-only.");

    public void Dispose()
    {
        foreach (var mapping in mappings) mapping.Dispose();
        mappings.Clear();
    }

    private byte* Map(string path, long expectedLength)
    {
        var length = new FileInfo(path).Length;
        if (length != expectedLength)
            throw new DataException($"{path} holds {length} bytes; {expectedLength} expected for {Rows} rows: the store is incomplete or corrupt (prepare it again)");
        if (length == 0) return null;
        var mapping = new Mapping(path, length, writable);
        mappings.Add(mapping);
        return mapping.Pointer;
    }

    /// <summary>One file's mapping and its acquired view pointer.</summary>
    private sealed class Mapping : IDisposable
    {
        private readonly MemoryMappedFile file;
        private readonly MemoryMappedViewAccessor view;

        private readonly bool writable;

        public Mapping(string path, long length, bool writable)
        {
            this.writable = writable;
            var access = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, access);
            view = file.CreateViewAccessor(0, length, access);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            Pointer = pointer + view.PointerOffset;
        }

        public byte* Pointer { get; }

        public void Dispose()
        {
            // Rewritten rows reach the disk before the store is renamed into place.
            if (writable) view.Flush();
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }
    }
}
