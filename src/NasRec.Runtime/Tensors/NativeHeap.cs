using System.Runtime.InteropServices;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Keeps the memory libtorch frees for its next allocations. libtorch's CPU allocator takes every tensor from
/// malloc, and glibc hands blocks above its mmap threshold straight back to the kernel (and trims a freed heap top
/// above its trim threshold), so a training step that frees and reallocates the same megabytes of gradients and
/// temporaries every step pays a page fault and a kernel zeroing for each of their pages: in a sampled supernet
/// step at batch 32 that was most of the time. Raising both thresholds keeps those pages in the heap; the peak
/// resident memory stays the steps' own peak.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>glibc's largest mmap threshold on 64-bit (<c>HEAP_MAX_SIZE / 2</c>): blocks above it still go to mmap.</summary>
    private const int MmapThreshold = 32 << 20;

    /// <summary>How much free memory the heap top may keep before it is given back.</summary>
    private const int TrimThreshold = 512 << 20;

    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    private static int applied;

    /// <summary>Raises glibc's mmap and trim thresholds once per process; does nothing elsewhere (macOS, Windows, musl).</summary>
    public static void RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref applied, 1) == 1) return;
        try
        {
            mallopt(MMmapThreshold, MmapThreshold);
            mallopt(MTrimThreshold, TrimThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator keeps its own policy.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
