using System.Runtime.InteropServices;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Keeps the memory libtorch frees for its next allocations. libtorch's CPU allocator takes every tensor from
/// malloc, and glibc maps blocks above its mmap threshold (at most 32 MB) straight from the kernel and unmaps them when
/// freed (and trims a freed heap top above its trim threshold), so a step that frees and reallocates the same
/// megabytes of gradients and temporaries every time pays a page fault and a kernel zeroing for each of their pages:
/// in a sampled supernet step at batch 32 that was most of the time, and in NASRec-Small's batch-4096 inference, whose
/// joins are up to 45 MB, about 40 %. With mapping off and a high trim threshold, every block comes from the heap and
/// is reused; the peak resident memory stays the steps' own peak.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>How much free memory the heap top may keep before it is given back.</summary>
    private const int TrimThreshold = 512 << 20;

    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    private static int applied;

    /// <summary>Raises glibc's trim threshold and stops its mmap use once per process; does nothing elsewhere (macOS, Windows, musl).</summary>
    public static void RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref applied, 1) == 1) return;
        try
        {
            mallopt(MTrimThreshold, TrimThreshold);
            mallopt(MMmapMax, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator keeps its own policy.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
