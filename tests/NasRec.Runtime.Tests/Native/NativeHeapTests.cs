using System.Runtime.InteropServices;
using NasRec.Runtime.Tensors;

namespace NasRec.Runtime.Tests.Native;

/// <summary>
/// glibc gives each thread an arena. The training step runs on the main thread, whose arena is the main one, where the
/// policy keeps every freed block. Another arena keeps blocks in heaps of at most 64 MB and maps a block that does not
/// fit one afresh, whatever the policy (a 48 MB block measured on a test thread faulted whenever that thread's arena had
/// too little room left in its first heap, one run in four). So the test host runs with one arena for every thread
/// (runtime.runsettings), and this test alone. Even then another thread's small allocation can take the start of the
/// freed block before it is asked for again (one run in six), so the test repeats the cycle: with glibc's own policy
/// every cycle faults on every page, with ours the cycles after the first fault on next to none.
/// </summary>
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
[Collection(nameof(NativeHeapTests))]
public sealed unsafe partial class NativeHeapTests
{
    [Fact]
    public void ABlockAboveGlibcsLargestMmapThresholdIsReusedWithoutPageFaults()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(NativeHeap.KeepGlibcPolicyVariable) == "1") return;
        NativeHeap.RetainFreedMemory();
        // glibc's default policy maps a block above 32 MB afresh on every malloc and unmaps it on free: each of its
        // 12,288 pages would fault again on its first touch.
        const int Size = 48 << 20;
        TouchAndFree(Size);
        var faults = new List<long>();
        for (int cycle = 0; cycle < 5; cycle++)
        {
            long before = MinorFaultsOfThisThread();
            TouchAndFree(Size);
            faults.Add(MinorFaultsOfThisThread() - before);
        }

        Assert.True(faults.Min() < 1_000, $"page faults per cycle: {string.Join(", ", faults)}");
    }

    [Fact]
    public void TheBenchmarksSayWhichPolicyTheHeapFollows()
    {
        if (!OperatingSystem.IsLinux()) return;
        var saved = Environment.GetEnvironmentVariable(NativeHeap.KeepGlibcPolicyVariable);
        try
        {
            Environment.SetEnvironmentVariable(NativeHeap.KeepGlibcPolicyVariable, null);
            Assert.Equal("freed native memory kept in the heap", NativeHeap.Describe());
            Environment.SetEnvironmentVariable(NativeHeap.KeepGlibcPolicyVariable, "1");
            Assert.Equal("glibc's heap policy (NASREC_GLIBC_HEAP=1)", NativeHeap.Describe());
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeHeap.KeepGlibcPolicyVariable, saved);
        }
    }

    private static void TouchAndFree(int size)
    {
        byte* block = (byte*)NativeMemory.Alloc((nuint)size);
        for (int page = 0; page < size; page += 4096) block[page] = 1;
        NativeMemory.Free(block);
    }

    /// <summary>This thread's minor page faults (<c>getrusage(RUSAGE_THREAD)</c>: other tests' threads do not count).</summary>
    private static long MinorFaultsOfThisThread()
    {
        // struct rusage on 64-bit Linux: two timevals (four longs), then ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, …
        var usage = stackalloc long[18];
        Assert.Equal(0, getrusage(RusageThread, usage));
        return usage[8];
    }

    private const int RusageThread = 1;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int getrusage(int who, long* usage);
}
