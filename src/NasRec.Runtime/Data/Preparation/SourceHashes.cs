using System.Security.Cryptography;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// The manifest's record of the input files: size, SHA-256, and MD5 where asked (the reference's shard-0, whose
/// sums its README publishes). Hashed on a thread of their own while the passes read the files: no pass waits for
/// the hash (it takes whatever CPU the passes leave, so that both cores stay busy). Read a block at a time into a
/// buffer: hashed straight from a memory mapping, page by page from memory, SHA-256 took more CPU than the copy saves.
/// </summary>
internal sealed class SourceHashes : IDisposable
{
    private const int BlockSize = 1 << 20;
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
        var block = new byte[BlockSize];
        long size = 0;
        try
        {
            using var file = File.OpenHandle(path, options: FileOptions.SequentialScan);
            for (int read; (read = RandomAccess.Read(file, block, size)) > 0; size += read)
            {
                stop.ThrowIfCancellationRequested();
                sha256.AppendData(block, 0, read);
                md5?.AppendData(block, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot be read: {e.Message}", e);
        }
        return new SourceFile(path, size, Convert.ToHexStringLower(sha256.GetHashAndReset()), md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
    }
}
