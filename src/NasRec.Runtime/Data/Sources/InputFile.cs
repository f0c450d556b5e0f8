using System.IO.Compression;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// One raw input file, read once from start to end: gzip is recognised by its magic bytes and
/// decompressed transparently. (Its hashes are the manifest's business: <see cref="Preparation.SourceHashes"/>.)
/// </summary>
public sealed class InputFile : IDisposable
{
    private readonly FileStream file;

    public InputFile(string path)
    {
        Path = path;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot be read: {e.Message}", e);
        }
        Size = file.Length;
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        Compressed = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        Content = Compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    public string Path { get; }

    public long Size { get; }

    public bool Compressed { get; }

    /// <summary>The decompressed bytes.</summary>
    public Stream Content { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip), for progress.</summary>
    public long Position => file.Position;

    /// <summary>Moves the progress on to <paramref name="position"/>, for a source that reads the file by other means (Parquet.Net).</summary>
    public void ReadTo(long position) => file.Position = Math.Max(file.Position, position);

    public void Dispose()
    {
        Content.Dispose();
        file.Dispose();
    }
}
