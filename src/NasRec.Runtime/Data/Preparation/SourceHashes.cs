using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// The manifest's record of the input files: size, SHA-256, and MD5 where asked (the reference's shard-0, whose
/// sums its README publishes). Hashed on a thread of their own, from memory mappings a window at a time, while the
/// passes read the files: no pass waits for the hash (it takes whatever CPU they leave, so that both cores stay
/// busy), the bytes are not copied for it, and its memory is a window whatever the files' size.
/// </summary>
internal sealed unsafe class SourceHashes : IDisposable
{
    private const long Window = 16 << 20;
    private readonly CancellationTokenSource stop = new();
    private readonly Task<SourceFile[]> hashing;

    public SourceHashes(IEnumerable<string> paths, Func<string, bool> withMd5)
    {
        var files = paths.ToArray();
        hashing = Task.Factory.StartNew(() => files.Select(path => Hash(path, withMd5(path), stop.Token)).ToArray(), TaskCreationOptions.LongRunning);
    }

    /// <summary>Waits for the hashes of every file, in the order given.</summary>
    public IReadOnlyList<SourceFile> Finish() => hashing.GetAwaiter().GetResult();

    public void Dispose()
    {
        stop.Cancel();
        // A failure or a cancellation only matters to Finish, which the run reaches when everything else succeeded.
        try { hashing.Wait(); } catch (AggregateException) { }
        stop.Dispose();
    }

    private static SourceFile Hash(string path, bool withMd5, CancellationToken stop)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = withMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        long size;
        try
        {
            size = new FileInfo(path).Length;
            // An empty file cannot be mapped; its hashes are those of no bytes.
            if (size > 0)
            {
                using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
                for (long offset = 0; offset < size; offset += Window)
                {
                    stop.ThrowIfCancellationRequested();
                    using var view = file.CreateViewAccessor(offset, Math.Min(Window, size - offset), MemoryMappedFileAccess.Read);
                    byte* pointer = null;
                    view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
                    try
                    {
                        var bytes = new ReadOnlySpan<byte>(pointer + view.PointerOffset, (int)Math.Min(Window, size - offset));
                        sha256.AppendData(bytes);
                        md5?.AppendData(bytes);
                    }
                    finally
                    {
                        view.SafeMemoryMappedViewHandle.ReleasePointer();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot be read: {e.Message}", e);
        }
        return new SourceFile(path, size, Convert.ToHexStringLower(sha256.GetHashAndReset()), md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
    }
}
