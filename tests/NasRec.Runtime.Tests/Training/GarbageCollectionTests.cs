using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tests.Supernets;
using NasRec.Runtime.Optim;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Training;

/// <summary>
/// A number or a tensor handed to libtorch that nothing holds during the call can be freed under it by its finalizer
/// (<c>Scalars</c>, <c>NativeData.KeepAlive</c>): it shows as a crash, or as silently wrong numbers, only when a
/// collection falls inside the call. Here a thread collects without pause while a loop trains, as a user's own loop
/// would, without dispose scopes: every temporary is then left to its finalizer. One unheld alpha in the shipped
/// <c>Scalars.Plus</c> crashed such a loop in two runs of three. Alone in its collection: its collections would expose
/// every other test's unheld numbers at once, and slow them.
/// </summary>
[Collection(nameof(GarbageCollectionTests))]
[CollectionDefinition(nameof(GarbageCollectionTests), DisableParallelization = true)]
public sealed class GarbageCollectionTests
{
    private const int Steps = 120;

    [Fact]
    public void ALoopWithoutDisposeScopesTrainsUnderConstantGarbageCollectionAsUndisturbed()
    {
        var space = SmallSupernets.Full(blocks: 5);
        using var undisturbed = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        using var disturbed = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        disturbed.load_state_dict(undisturbed.state_dict());

        var expected = Train(undisturbed, space);
        long collections;
        float[] actual;
        using (var collector = new CollectorThread())
        {
            actual = Train(disturbed, space);
            collections = collector.Collections;
        }

        Assert.True(collections >= Steps, $"only {collections} collections during {Steps} steps");
        Assert.Equal(expected, actual);
        var weights = disturbed.state_dict();
        foreach (var (name, weight) in undisturbed.state_dict())
            Assert.True(weight.eq(weights[name]).all().item<bool>(), name);
    }

    /// <summary>
    /// Each step's loss, training on paths of the default strategy (through its warm-up) with the row-sparse Adagrad
    /// and clipping, every tensor left undisposed.
    /// </summary>
    private static float[] Train(Supernet supernet, SearchSpace space)
    {
        supernet.Sampler = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: Steps / 4, seed: 3);
        using var optimizer = new RowSparseAdagrad(supernet);
        var losses = new float[Steps];
        for (int i = 0; i < Steps; i++)
        {
            var batch = Batch(seed: i);
            var loss = nn.functional.binary_cross_entropy_with_logits(supernet.call(batch.Dense, batch.Sparse), batch.Label);
            loss.backward();
            optimizer.Step(learningRate: 0.05, clipNorm: 5.0);
            optimizer.ZeroGradients();
            losses[i] = loss.item<float>();
        }
        return losses;
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
