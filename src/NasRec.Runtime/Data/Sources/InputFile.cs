using System.IO.Compression;
using System.Security.Cryptography;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// One raw input file, read once from start to end: gzip is recognised by its magic bytes and
/// decompressed transparently, and the file's own bytes go through SHA-256 and MD5 (for the
/// reference shards' published sums) on the way when asked.
/// </summary>
public sealed class InputFile : IDisposable
{
    private readonly FileStream file;
    private readonly HashingStream hashed;

    public InputFile(string path, bool sha256 = false, bool md5 = false)
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
        hashed = new HashingStream(file, sha256, md5);
        Compressed = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        Content = Compressed ? new GZipStream(hashed, CompressionMode.Decompress) : hashed;
    }

    public string Path { get; }

    public long Size { get; }

    public bool Compressed { get; }

    /// <summary>The decompressed bytes.</summary>
    public Stream Content { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip), for progress.</summary>
    public long Position => file.Position;

    /// <summary>
    /// Reads (and hashes) the file's own bytes up to <paramref name="position"/>, for a source that reads the file
    /// by other means (Parquet.Net): hashing and progress then advance with it.
    /// </summary>
    public void ReadTo(long position)
    {
        var buffer = new byte[1 << 16];
        while (file.Position < position && hashed.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, position - file.Position))) > 0) { }
    }

    /// <summary>The file's SHA-256 and MD5 (those asked for), valid once <see cref="Content"/> has been read to the end.</summary>
    public (string? Sha256, string? Md5) Hashes() => hashed.Finish();

    public void Dispose()
    {
        Content.Dispose();
        file.Dispose();
    }

    /// <summary>Passes reads through and hashes what went by.</summary>
    private sealed class HashingStream(Stream inner, bool sha256, bool md5) : Stream
    {
        private readonly IncrementalHash? sha256Hash = sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        private readonly IncrementalHash? md5Hash = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            sha256Hash?.AppendData(buffer[..read]);
            md5Hash?.AppendData(buffer[..read]);
            return read;
        }

        public (string?, string?) Finish()
        {
            if (sha256Hash is null && md5Hash is null) return (null, null);
            // Whatever the reader left unread (gzip trailers, nothing in a text file) still belongs to the file.
            var rest = new byte[1 << 16];
            while (Read(rest) > 0) { }
            return (sha256Hash is null ? null : Convert.ToHexStringLower(sha256Hash.GetHashAndReset()), md5Hash is null ? null : Convert.ToHexStringLower(md5Hash.GetHashAndReset()));
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
