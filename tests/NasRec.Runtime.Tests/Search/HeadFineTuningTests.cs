using NasRec.Runtime.Data;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Search;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tests.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Search;

/// <summary>Head fine-tuning over a small frozen feature extractor (the supernet's place) on seeded synthetic rows.</summary>
public sealed class HeadFineTuningTests : IDisposable
{
    private static readonly FineTuneSettings Settings = new(Steps: 60, BatchSize: 32, ValidationRows: 1000, ForwardRows: 128);

    private readonly FrozenFeatures frozen = new(seed: 3);
    private readonly Linear head;
    private readonly FineTuneData data;

    public HeadFineTuningTests()
    {
        manual_seed(4);
        head = nn.Linear(FrozenFeatures.Width, 1);
        var generator = new Generator(5);
        data = FineTuneData.Of(Rows(generator, Settings.Steps, Settings.BatchSize), Rows(generator, 4, 250));
    }

    public void Dispose()
    {
        data.Dispose();
        head.Dispose();
        frozen.Dispose();
    }

    [Fact]
    public void FineTuningLowersTheValidationLoglossOfTheInheritedHead()
    {
        var untuned = HeadFineTuning.Run(head, frozen.call, data, Settings with { Steps = 0 }, CPU);
        var tuned = HeadFineTuning.Run(head, frozen.call, data, Settings with { LearningRate = 0.2 }, CPU);

        Assert.Equal(1000, tuned.Count);
        Assert.True(tuned.Logloss < untuned.Logloss - 0.02, $"tuned {tuned.Logloss} vs inherited {untuned.Logloss}");
    }

    [Fact]
    public void OnlyTheHeadCopyTrainsTheFrozenPartAndTheInheritedHeadStayBitForBit()
    {
        var before = Snapshot(frozen).Concat(Snapshot(head)).ToList();

        HeadFineTuning.Run(head, frozen.call, data, Settings, CPU);

        var after = Snapshot(frozen).Concat(Snapshot(head)).ToList();
        Assert.Equal(before.Select(p => p.Name), after.Select(p => p.Name));
        Assert.All(before.Zip(after), pair => Assert.True(pair.First.Value.bytes.SequenceEqual(pair.Second.Value.bytes), pair.First.Name));
        Assert.All(frozen.parameters().Concat(head.parameters()), p => Assert.Null(p.grad));
    }

    [Fact]
    public async Task TheSameInputsGiveTheSameScoreAlsoFromTwoThreadsAtOnce()
    {
        var alone = HeadFineTuning.Run(head, frozen.call, data, Settings, CPU);

        var together = Enumerable.Range(0, 2)
            .Select(_ => Task.Factory.StartNew(() => HeadFineTuning.Run(head, frozen.call, data, Settings, CPU), TaskCreationOptions.LongRunning))
            .ToArray();
        var scores = await Task.WhenAll(together);

        Assert.All(scores, score => Assert.Equal(alone, score));
    }

    [Fact]
    public void APartialBatchTrainsNothing()
    {
        // Four full batches of 32 trained at rates above the minimum, then the same followed by a batch of 10 rows.
        using var rows = Rows(new Generator(6), 5, 32);
        using var fullRows = Batches(rows, 32, 32, 32, 32);
        using var partialRows = Batches(rows, 32, 32, 32, 32, 10);
        // Not disposed: they share the fixture's validation rows.
        var full = FineTuneData.Of(fullRows, data.Validation);
        var partial = FineTuneData.Of(partialRows, data.Validation);

        Assert.Equal(HeadFineTuning.Run(head, frozen.call, full, Settings, CPU), HeadFineTuning.Run(head, frozen.call, partial, Settings, CPU));
    }

    [Fact]
    public void TheRatesLagTheCosineScheduleByOneStepAsTheEaScriptsReset()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.04, 500);

        Assert.Equal(1e-8, HeadFineTuning.LaggedRate(schedule, 0));
        Assert.Equal(1e-8, HeadFineTuning.LaggedRate(schedule, 1));
        Assert.Equal(1e-8 + (0.04 - 1e-8) / 50, HeadFineTuning.LaggedRate(schedule, 2), 15);
        Assert.Equal(0.04, HeadFineTuning.LaggedRate(schedule, 51), 15);
        Assert.Equal(schedule.At(498), HeadFineTuning.LaggedRate(schedule, 499));
    }

    private static List<(string Name, Tensor Value)> Snapshot(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.detach().clone())).ToList();

    private static HeldRows Rows(Generator generator, int batches, int size)
    {
        var list = Enumerable.Range(0, batches).Select(_ => TinyCtrModel.RandomBatch(generator, size)).ToList();
        return HeldRows.Concat(list);
    }

    /// <summary>The leading rows of <paramref name="source"/> cut into batches of these sizes.</summary>
    private static HeldRows Batches(HeldRows source, params int[] sizes) =>
        HeldRows.Concat(sizes.Select((size, i) => Slice(source, sizes.Take(i).Sum(), size)).ToList());

    private static Batch Slice(HeldRows rows, long start, long count) =>
        new(rows.Dense.narrow(0, start, count), rows.Sparse.narrow(0, start, count), rows.Label.narrow(0, start, count));

    /// <summary>Embeddings and one hidden layer: what a supernet computes before its head, in miniature.</summary>
    private sealed class FrozenFeatures : nn.Module<Tensor, Tensor, Tensor>
    {
        public const int Width = 8;

        private readonly SparseEmbedding embedding;
        private readonly Linear hidden;

        public FrozenFeatures(long seed) : base(nameof(FrozenFeatures))
        {
            manual_seed(seed);
            embedding = new SparseEmbedding(TinyCtrModel.Tables, 4);
            hidden = nn.Linear(TinyCtrModel.DenseFeatures + TinyCtrModel.Tables.Length * 4, Width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor dense, Tensor ids) =>
            nn.functional.relu(hidden.call(cat(new[] { dense, embedding.call(ids).flatten(1) }, 1)));
    }
}
