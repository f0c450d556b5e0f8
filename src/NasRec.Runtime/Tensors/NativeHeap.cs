using System.Runtime.InteropServices;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Keeps the memory libtorch frees for its next allocations. libtorch's CPU allocator takes every tensor from
/// malloc, and glibc maps blocks above its mmap threshold (at most 32 MB) straight from the kernel and unmaps them when
/// freed (and trims a freed heap top above its trim threshold), so a step that frees and reallocates the same
/// megabytes of gradients and temporaries every time pays a page fault and a kernel zeroing for each of their pages:
/// in a sampled supernet step at batch 32 that was most of the time, and in NASRec-Small's batch-4096 inference, whose
/// joins are up to 45 MB, about 40 %. With mapping off and a high trim threshold, every block comes from the heap and
/// is reused; the peak resident memory stays the steps' own peak. <c>NASREC_GLIBC_HEAP=1</c> keeps glibc's own policy,
/// which is what a PyTorch process has: the benchmarks' plain loop stands for PyTorch with it (docs/benchmarks.md).
/// </summary>
public static partial class NativeHeap
{
    /// <summary>How much free memory the heap top may keep before it is given back.</summary>
    private const int TrimThreshold = 512 << 20;

    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    /// <summary>The environment variable that keeps glibc's own policy when set to 1.</summary>
    public const string KeepGlibcPolicyVariable = "NASREC_GLIBC_HEAP";

    private static int applied;

    private static bool KeepsGlibcPolicy => Environment.GetEnvironmentVariable(KeepGlibcPolicyVariable) == "1";

    /// <summary>Raises glibc's trim threshold and stops its mmap use once per process; does nothing elsewhere (macOS, Windows, musl).</summary>
    public static void RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || KeepsGlibcPolicy || Interlocked.Exchange(ref applied, 1) == 1) return;
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

    /// <summary>One line for benchmark output: the policy native allocations follow once a step has run.</summary>
    public static string Describe() =>
        !OperatingSystem.IsLinux() ? "the C library's heap policy"
        : KeepsGlibcPolicy ? $"glibc's heap policy ({KeepGlibcPolicyVariable}=1)"
        : "freed native memory kept in the heap";

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
