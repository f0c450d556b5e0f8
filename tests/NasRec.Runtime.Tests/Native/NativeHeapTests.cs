using System.Runtime.InteropServices;
using NasRec.Runtime.Tensors;

namespace NasRec.Runtime.Tests.Native;

/// <summary>
/// Run alone: glibc gives each thread an arena, and a thread's arena other than the main one unmaps a heap it had to add
/// for a large block as soon as that block is freed, whatever the policy (the training step allocates on the main
/// arena). While other tests allocated on the same arena, the 48 MB block sometimes did not fit in its first heap.
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
        long faults = 0;
        // A thread of its own, whose first allocation takes an arena with a fresh heap, as the main thread's is at start.
        var thread = new Thread(() =>
        {
            TouchAndFree(Size);
            long before = MinorFaultsOfThisThread();
            TouchAndFree(Size);
            faults = MinorFaultsOfThisThread() - before;
        });
        thread.Start();
        thread.Join();

        Assert.True(faults < 1_000, $"{faults} page faults");
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
