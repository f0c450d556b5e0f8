using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// One raw input file, read once from start to end: gzip is recognised by its magic bytes and
/// decompressed transparently, and when asked the file's own bytes go through SHA-256 and MD5 (for
/// the reference shards' published sums) on a read-ahead thread, off the parsing threads.
/// </summary>
public sealed class InputFile : IDisposable
{
    private readonly FileStream file;
    private readonly ReadAheadHashingStream? hashed;

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
        if (sha256 || md5) hashed = new ReadAheadHashingStream(file, sha256, md5);
        Raw = hashed ?? (Stream)file;
        Compressed = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        Content = Compressed ? new GZipStream(Raw, CompressionMode.Decompress) : Raw;
    }

    public string Path { get; }

    public long Size { get; }

    public bool Compressed { get; }

    /// <summary>The decompressed bytes.</summary>
    public Stream Content { get; }

    /// <summary>The file's own bytes, hashed on the way when asked.</summary>
    private Stream Raw { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip), for progress.</summary>
    public long Position => Raw.Position;

    /// <summary>
    /// Moves on to <paramref name="position"/> in the file's own bytes (hashing those in between when asked), for a
    /// source that reads the file by other means (Parquet.Net): hashing and progress then advance with it.
    /// </summary>
    public void ReadTo(long position)
    {
        if (hashed is null)
        {
            file.Position = Math.Max(file.Position, position);
            return;
        }
        var buffer = new byte[1 << 16];
        while (Raw.Position < position && Raw.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, position - Raw.Position))) > 0) { }
    }

    /// <summary>The file's SHA-256 and MD5 (those asked for), valid once <see cref="Content"/> has been read to the end.</summary>
    public (string? Sha256, string? Md5) Hashes() => hashed?.Finish() ?? (null, null);

    public void Dispose()
    {
        Content.Dispose();
        file.Dispose();
    }

    /// <summary>
    /// Reads the file a few blocks ahead on a task of its own, which hashes each block before handing it
    /// over: the reader's thread only copies.
    /// </summary>
    private sealed class ReadAheadHashingStream : Stream
    {
        private const int BlockSize = 1 << 20;
        private const int Blocks = 4;
        private readonly Stream inner;
        private readonly IncrementalHash? sha256;
        private readonly IncrementalHash? md5;
        private readonly BlockingCollection<byte[]> free = new();
        private readonly BlockingCollection<(byte[] Block, int Length)> ready = new();
        private readonly CancellationTokenSource stop = new();
        private readonly Task reader;
        private (byte[] Block, int Length) current = ([], 0);
        private int offset;
        private bool ended;
        private long position;

        public ReadAheadHashingStream(Stream inner, bool sha256, bool md5)
        {
            this.inner = inner;
            this.sha256 = sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            this.md5 = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
            for (int i = 0; i < Blocks; i++) free.Add(new byte[BlockSize]);
            reader = Task.Run(ReadAhead);
        }

        private void ReadAhead()
        {
            try
            {
                while (true)
                {
                    var block = free.Take(stop.Token);
                    int length = inner.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                    sha256?.AppendData(block, 0, length);
                    md5?.AppendData(block, 0, length);
                    ready.Add((block, length));
                    if (length < block.Length) break;
                }
            }
            finally
            {
                ready.CompleteAdding();
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        /// <summary>Bytes handed to the reader.</summary>
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (offset == current.Length && !NextBlock()) return 0;
            int count = Math.Min(buffer.Length, current.Length - offset);
            current.Block.AsSpan(offset, count).CopyTo(buffer);
            offset += count;
            position += count;
            return count;
        }

        /// <summary>Gives the spent block back and takes the next; false at the end of the file (a read error is rethrown here).</summary>
        private bool NextBlock()
        {
            if (current.Block.Length > 0) free.Add(current.Block);
            current = ([], 0);
            offset = 0;
            if (!ended && ready.TryTake(out var next, Timeout.Infinite))
            {
                current = next;
                return next.Length > 0 || NextBlock();
            }
            ended = true;
            reader.GetAwaiter().GetResult();
            return false;
        }

        public (string?, string?) Finish()
        {
            // Whatever the reader left unread (gzip trailers, nothing in a text file) still belongs to the file.
            var rest = new byte[1 << 16];
            while (Read(rest) > 0) { }
            return (sha256 is null ? null : Convert.ToHexStringLower(sha256.GetHashAndReset()), md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                stop.Cancel();
                // The read-ahead ends at its next block (or has ended); its failure, if any, was the reader's to see.
                try { reader.Wait(); } catch (AggregateException) { }
                stop.Dispose();
                sha256?.Dispose();
                md5?.Dispose();
            }
            base.Dispose(disposing);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
