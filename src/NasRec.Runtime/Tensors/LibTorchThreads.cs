using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Runs a kernel of ours split over libtorch's own OpenMP threads, the team its operators run on. After each parallel
/// region libtorch's OpenMP workers spin for a while before they sleep, so a .NET thread-pool worker started beside
/// them shared its core with a spinning thread: the two-wide attention kernel, split over .NET threads, ran no faster
/// at two threads than at one (batch 256, 64 tokens: 11.4 ms forward either way; 6.3 ms on libtorch's team,
/// docs/benchmarks.md). On the team there is no thread to contend with, and the workers are awake already.
/// Where libtorch's OpenMP runtime (GNU's libgomp, on Linux) cannot be found, .NET's thread pool runs the ranges.
/// </summary>
public static unsafe class LibTorchThreads
{
    private static readonly OpenMp? Team = OpenMp.Find();

    /// <summary>Whether kernels run on libtorch's OpenMP team (rather than .NET's thread pool).</summary>
    public static bool OnLibTorchTeam => Team is not null;

    /// <summary>
    /// Calls <paramref name="range"/> with contiguous, disjoint ranges <c>[start, end)</c> covering <c>[0, count)</c>,
    /// one per thread of libtorch's thread count (at most one per item), and returns when all are done; the calling
    /// thread takes one. An exception in any range is rethrown here once every range has ended.
    /// </summary>
    public static void For(long count, Action<long, long> range)
    {
        if (count <= 0) return;
        int threads = (int)Math.Clamp(get_num_threads(), 1, count);
        if (threads == 1)
        {
            range(0, count);
            return;
        }
        var work = new Work(count, range);
        if (Team is { } team) team.Run(work, threads);
        else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker => work.Run(worker, threads));
        if (work.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    private sealed class Work(long count, Action<long, long> range)
    {
        private Exception? error;

        public Exception? Error => error;

        public void Run(int worker, int workers)
        {
            try
            {
                range(count * worker / workers, count * (worker + 1) / workers);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref error, e, null);
            }
        }
    }

    /// <summary>libgomp's entry points, looked up through libtorch's own library (its dependency, under a hashed name).</summary>
    private sealed class OpenMp
    {
        private readonly delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void> parallel;
        private readonly delegate* unmanaged<int> threadNumber;
        private readonly delegate* unmanaged<int> teamSize;

        private OpenMp(nint parallel, nint threadNumber, nint teamSize)
        {
            this.parallel = (delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void>)parallel;
            this.threadNumber = (delegate* unmanaged<int>)threadNumber;
            this.teamSize = (delegate* unmanaged<int>)teamSize;
        }

        public static OpenMp? Find()
        {
            _ = get_num_threads(); // loads libtorch, whose dependencies bring libgomp
            return LibTorchLibrary.TryGetExport("GOMP_parallel", out var parallel)
                && LibTorchLibrary.TryGetExport("omp_get_thread_num", out var threadNumber)
                && LibTorchLibrary.TryGetExport("omp_get_num_threads", out var teamSize)
                ? new OpenMp(parallel, threadNumber, teamSize)
                : null;
        }

        /// <summary>One parallel region of up to <paramref name="threads"/> threads; the team it gets decides the ranges.</summary>
        public void Run(Work work, int threads)
        {
            var handle = GCHandle.Alloc(work);
            try
            {
                parallel(&RunOnMember, (void*)GCHandle.ToIntPtr(handle), (uint)threads, 0);
            }
            finally
            {
                handle.Free();
            }
        }

        [UnmanagedCallersOnly]
        private static void RunOnMember(void* state)
        {
            var team = Team!;
            ((Work)GCHandle.FromIntPtr((nint)state).Target!).Run(team.threadNumber(), team.teamSize());
        }
    }
}
