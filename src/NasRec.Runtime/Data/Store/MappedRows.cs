using System.IO.MemoryMappedFiles;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// The rows of one stem, memory-mapped read-only (or read-write, to finish encodings in place):
/// labels, dense and sparse values, and in a staging area the missing masks and source rows.
/// </summary>
public sealed unsafe class MappedRows : IDisposable
{
    public const string MissingSuffix = ".missing";
    public const string SourceSuffix = ".source";

    private readonly List<Mapping> mappings = new();
    private readonly byte* labels;
    private readonly float* dense;
    private readonly long* sparse;
    private readonly byte* missing;
    private readonly long* sourceRows;

    public MappedRows(string folder, string stem, int denseWidth, int sparseWidth, bool staging = false, bool writable = false)
    {
        DenseWidth = denseWidth;
        SparseWidth = sparseWidth;
        MaskWidth = (denseWidth + 7) / 8;
        try
        {
            var labelFile = Path.Combine(folder, stem + StoreFiles.Label);
            Rows = new FileInfo(labelFile).Length;
            labels = Map(labelFile, Rows, writable);
            dense = (float*)Map(Path.Combine(folder, stem + StoreFiles.Dense), Rows * denseWidth * sizeof(float), writable);
            sparse = (long*)Map(Path.Combine(folder, stem + StoreFiles.Sparse), Rows * sparseWidth * sizeof(long), writable);
            if (staging)
            {
                missing = Map(Path.Combine(folder, stem + MissingSuffix), Rows * MaskWidth, writable);
                sourceRows = (long*)Map(Path.Combine(folder, stem + SourceSuffix), Rows * sizeof(long), writable);
            }
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

    public int MaskWidth { get; }

    public byte Label(long row) => labels[row];

    public ReadOnlySpan<byte> Labels(long start, int count) => new(labels + start, count);

    public Span<float> Dense(long row, int count = 1) => new(dense + row * DenseWidth, count * DenseWidth);

    public Span<long> Sparse(long row, int count = 1) => new(sparse + row * SparseWidth, count * SparseWidth);

    public ReadOnlySpan<byte> Missing(long row) => new(missing + row * MaskWidth, MaskWidth);

    public long SourceRow(long row) => sourceRows[row];

    public void Dispose()
    {
        foreach (var mapping in mappings) mapping.Dispose();
        mappings.Clear();
    }

    private byte* Map(string path, long expectedLength, bool writable)
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

        public Mapping(string path, long length, bool writable)
        {
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
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }
    }
}
