using NasRec.Runtime.Data;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Tests.Supernets;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Search;

/// <summary>A NASRec-Small supernet of the Criteo layout with small tables (built once: its 31M parameters take a while) and rows for it.</summary>
public sealed class SmallSupernetEvaluation : IDisposable
{
    public const int Tables = 1000;

    public SmallSupernetEvaluation()
    {
        Supernet = new Supernet(ShippedDocuments.Small, ShippedDocuments.Criteo, new SupernetOptions(TableCap: Tables));
        var generator = new Generator(7);
        var settings = new FineTuneSettings(Steps: 6, BatchSize: 32, ValidationRows: 192, ForwardRows: 64);
        Evaluation = new SupernetEvaluation(Supernet, FineTuneData.Of(Rows(generator, 6 * 32), Rows(generator, 192)), settings, CPU);
    }

    public Supernet Supernet { get; }

    public SupernetEvaluation Evaluation { get; }

    public void Dispose() => Evaluation.Dispose();

    /// <summary>Criteo-shaped rows in batches of 32: 13 dense features, 26 ids below the table size, a label that follows the first feature.</summary>
    private static HeldRows Rows(Generator generator, int count)
    {
        var batches = Enumerable.Range(0, count / 32).Select(_ =>
        {
            var dense = randn(new long[] { 32, 13 }, generator: generator);
            var ids = randint(Tables, new long[] { 32, 26 }, generator: generator);
            using Scalar half = 0.5f.ToScalar(), zero = 0.ToScalar();
            var label = dense[.., 0].Plus(randn(new long[] { 32 }, generator: generator).mul(half)).gt(zero).to(float32).unsqueeze(1);
            return new Batch(dense, ids, label);
        }).ToList();
        return HeldRows.Concat(batches);
    }
}

/// <summary>Candidate evaluation by weight inheritance in a shared supernet.</summary>
public sealed class SupernetCandidateEvaluatorTests(SmallSupernetEvaluation fixture) : IClassFixture<SmallSupernetEvaluation>
{
    private readonly SupernetEvaluation evaluation = fixture.Evaluation;
    private readonly Supernet supernet = fixture.Supernet;
    private readonly SubnetChoice small = SubnetChoice.Of(ShippedDocuments.Architecture("CriteoNasRecNetSmall"), ShippedDocuments.Small);

    [Fact]
    public async Task AChoiceGetsTheSameScoreAloneAndFromTwoThreadsAtOnceBesideAnotherChoice()
    {
        using var evaluator = evaluation.CreateEvaluator();
        var alone = evaluator.Evaluate(small, CancellationToken.None);

        var fullPath = SubnetChoice.FullPath(ShippedDocuments.Small);
        var together = new[] { small, fullPath, small }
            .Select(choice => Task.Factory.StartNew(() =>
            {
                using var own = evaluation.CreateEvaluator();
                return own.Evaluate(choice, CancellationToken.None);
            }, TaskCreationOptions.LongRunning))
            .ToArray();
        var scores = await Task.WhenAll(together);

        Assert.Equal(alone, scores[0]);
        Assert.Equal(alone, scores[2]);
        Assert.NotEqual(alone, scores[1]);
        Assert.InRange(alone.ValLogloss, 0.1, 5);
        Assert.InRange(alone.ValAuc, 0, 1);
    }

    [Fact]
    public void EvaluatingLeavesEverySupernetParameterBitForBit()
    {
        var before = supernet.named_parameters().Select(p => (p.name, Bytes: p.parameter.bytes.ToArray())).ToList();

        using var evaluator = evaluation.CreateEvaluator();
        evaluator.Evaluate(small, CancellationToken.None);

        var after = supernet.named_parameters().Select(p => (p.name, Bytes: p.parameter.bytes.ToArray())).ToList();
        Assert.Equal(before.Select(p => p.name), after.Select(p => p.name));
        Assert.All(before.Zip(after), pair => Assert.True(pair.First.Bytes.AsSpan().SequenceEqual(pair.Second.Bytes), pair.First.name));
        Assert.All(supernet.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void ACancelledEvaluationStops()
    {
        using var evaluator = evaluation.CreateEvaluator();
        Assert.Throws<OperationCanceledException>(() => evaluator.Evaluate(small, new CancellationToken(canceled: true)));
    }
}
