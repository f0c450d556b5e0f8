using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tests.Supernets;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Training;

/// <summary>
/// A number or a tensor handed to libtorch that nothing holds during the call can be freed under it by its finalizer
/// (<c>Scalars</c>, <c>NativeData.KeepAlive</c>): it shows as a crash, or as silently wrong numbers, only when a
/// collection falls inside the call. Here a thread collects without pause while the steps run. Alone in its collection:
/// its collections would expose every other test's unheld numbers at once, and slow them.
/// </summary>
[Collection(nameof(GarbageCollectionTests))]
[CollectionDefinition(nameof(GarbageCollectionTests), DisableParallelization = true)]
public sealed class GarbageCollectionTests
{
    private const int Steps = 24;

    [Fact]
    public void SupernetStepsUnderConstantGarbageCollectionEndWithTheWeightsAndLogitsOfUndisturbedOnes()
    {
        var space = SmallSupernets.Full(blocks: 5);
        using var undisturbed = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        using var disturbed = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        disturbed.load_state_dict(undisturbed.state_dict());

        var expected = Train(undisturbed, space);
        long collections;
        Tensor actual;
        using (var collector = new CollectorThread())
        {
            actual = Train(disturbed, space);
            collections = collector.Collections;
        }

        Assert.True(collections >= Steps, $"only {collections} collections during {Steps} steps");
        Assert.True(expected.eq(actual).all().item<bool>(), "the logits differ");
        var weights = disturbed.state_dict();
        foreach (var (name, weight) in undisturbed.state_dict())
            Assert.True(weight.eq(weights[name]).all().item<bool>(), name);
    }

    /// <summary>Training steps on paths of the default strategy (through its warm-up), then the logits of a path without autograd.</summary>
    private static Tensor Train(Supernet supernet, SearchSpace space)
    {
        supernet.Sampler = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: Steps / 2, seed: 3);
        using (var step = new TrainingStep(supernet, CPU, new StepSettings()))
        {
            for (int i = 0; i < Steps; i++) step.Run(Batch(seed: i), learningRate: 0.05);
        }
        using var noGrad = no_grad();
        var batch = Batch(seed: Steps);
        return supernet.Forward(batch.Dense, batch.Sparse, new PathSampler(space, SamplingStrategy.SinglePath, ConnectionCount.Uniform, 0, seed: 4).Next());
    }

    private static Batch Batch(int seed)
    {
        var (dense, ids) = SmallSupernets.Batch(64, seed);
        return new Batch(dense, ids, dense[.., 0].signbit().logical_not().to(float32).unsqueeze(1));
    }

    /// <summary>A thread that runs full collections and finalizers back to back until disposed.</summary>
    private sealed class CollectorThread : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stopping;
        private long collections;

        public CollectorThread()
        {
            thread = new Thread(() =>
            {
                while (!stopping)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Interlocked.Increment(ref collections);
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public long Collections => Interlocked.Read(ref collections);

        public void Dispose()
        {
            stopping = true;
            thread.Join();
        }
    }
}
