using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NasRec.Runtime.Data.Store;

/// <summary>
/// Starts writing a file's freshly written bytes to disk without waiting for them. The kernel otherwise keeps a
/// store's hundreds of megabytes in memory until the final flush, which then waits for all of them (about 0.5 s of a
/// 2M-row prepare's 2 s); started as they are written, the disk works while the parse goes on and the final flush
/// waits only for the last blocks (about 0.1 s). Linux only (<c>sync_file_range</c>); elsewhere the final flush does all the work.
/// </summary>
internal static partial class Writeback
{
    private const uint SyncFileRangeWrite = 2;

    private static bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>Asks for <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="file"/> to be written out, and returns at once.</summary>
    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (unavailable || length == 0) return;
        try
        {
            // A failure is no loss: the final flush writes and checks everything.
            _ = sync_file_range((int)file.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);
}
