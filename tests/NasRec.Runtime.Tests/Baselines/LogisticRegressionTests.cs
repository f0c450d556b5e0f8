using NasRec.Runtime.Baselines;
using NasRec.Runtime.Data;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Tests.Supernets;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Baselines;

public sealed class LogisticRegressionTests
{
    private const long Cap = 50;

    /// <summary>Criteo's tables capped at 50 rows (seven are smaller already), and where each starts in the fused table.</summary>
    private static readonly long[] Sizes = ShippedDocuments.Criteo.TableSizes(Cap).ToArray();
    private static readonly long[] Offsets = Sizes.Select((_, j) => Sizes.Take(j).Sum()).ToArray();

    [Fact]
    public void LogitIsTheDenseWeightsPlusOneScalarPerCategoricalIdPlusTheBias()
    {
        manual_seed(3);
        using var model = new LogisticRegression(ShippedDocuments.Criteo, Cap);
        using var scope = NewDisposeScope();
        var batch = Batch(seed: 5, size: 8);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var table = parameters["embedding.weight"];
        Assert.Equal(new long[] { Sizes.Sum(), 1 }, table.shape);

        using var noGrad = no_grad();
        var expected = batch.Dense.matmul(parameters["dense.weight"].t()).Plus(parameters["dense.bias"]);
        for (int j = 0; j < 26; j++)
        {
            using var offset = Offsets[j].ToScalar();
            expected = expected.Plus(table.index_select(0, batch.Sparse[.., j].add(offset, Scalars.One)));
        }

        Assert.True(model.call(batch.Dense, batch.Sparse).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void TheTrainingStepUpdatesOnlyTheScalarsOfTheIdsABatchRead()
    {
        manual_seed(3);
        using var model = new LogisticRegression(ShippedDocuments.Criteo, Cap);
        using var step = new TrainingStep(model, CPU, new StepSettings());
        using var scope = NewDisposeScope();
        var batch = Batch(seed: 7, size: 4);
        var table = model.named_parameters().Single(p => p.name == "embedding.weight").parameter;
        var before = table.detach().clone();

        float loss = step.Run(batch, learningRate: 0.1);

        Assert.True(float.IsFinite(loss));
        var read = batch.Sparse.Plus(tensor(Offsets)).flatten().unique().Item1;
        var changed = table.detach().ne(before).squeeze(1).nonzero().squeeze(1);
        Assert.Equal(read.data<long>().ToArray(), changed.data<long>().ToArray());
    }

    private static Batch Batch(int seed, int size)
    {
        var generator = new Generator((ulong)seed);
        return new Batch(
            randn(new long[] { size, 13 }, generator: generator),
            stack(Sizes.Select(rows => randint(rows, new long[] { size }, generator: generator)).ToArray(), 1),
            randint(2, new long[] { size, 1 }, generator: generator).to(float32));
    }
}
