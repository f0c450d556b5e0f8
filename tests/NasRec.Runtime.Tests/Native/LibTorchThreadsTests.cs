using System.Collections.Concurrent;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Native;

public sealed class LibTorchThreadsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(2049)]
    public void ForCoversEveryItemOnceInOneContiguousRangePerThread(long count)
    {
        var ranges = new ConcurrentBag<(long Start, long End)>();
        var seen = new int[count];

        LibTorchThreads.For(count, (start, end) =>
        {
            ranges.Add((start, end));
            for (long i = start; i < end; i++) Interlocked.Increment(ref seen[i]);
        });

        Assert.All(seen, times => Assert.Equal(1, times));
        Assert.Equal(Math.Min(get_num_threads(), count), ranges.Count);
        Assert.All(ranges, range => Assert.True(range.End > range.Start));
    }

    [Fact]
    public void OnLinuxTheRangesRunOnLibTorchsOpenMpThreadsNotDotNetsThreadPool()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(LibTorchThreads.OnLibTorchTeam, "libgomp's GOMP_parallel was not found through libtorch_cpu.so");
        if (get_num_threads() < 2) return;
        int caller = Environment.CurrentManagedThreadId;
        var others = new ConcurrentBag<Thread>();

        LibTorchThreads.For(64, (_, _) =>
        {
            if (Environment.CurrentManagedThreadId != caller) others.Add(Thread.CurrentThread);
        });

        Assert.NotEmpty(others);
        Assert.All(others, thread => Assert.False(thread.IsThreadPoolThread));
    }

    [Fact]
    public void AnExceptionInARangeIsRethrownToTheCaller()
    {
        var ended = 0;
        var error = Assert.Throws<InvalidOperationException>(() => LibTorchThreads.For(1000, (start, _) =>
        {
            Interlocked.Increment(ref ended);
            if (start == 0) throw new InvalidOperationException("range 0");
        }));

        Assert.Equal("range 0", error.Message);
        Assert.Equal(Math.Min(get_num_threads(), 1000), ended);
    }
}
