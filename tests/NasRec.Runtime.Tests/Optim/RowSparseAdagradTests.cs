using NasRec.Runtime.Optim;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Tests.Training;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Optim;

public sealed class RowSparseAdagradTests
{
    [Fact]
    public void EqualsDenseAdagradWithClippingAfter300StepsWithRepeatedIds()
    {
        using var sparse = new TinyCtrModel(seed: 5);
        using var reference = new TinyCtrModel(seed: 6);
        reference.load_state_dict(sparse.state_dict());
        // A low clip bound so that clipping acts on most steps, and a cosine schedule so the rate varies.
        const double clip = 0.1;
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.3, 320);
        using var step = new TrainingStep(sparse, CPU, new StepSettings(ClipNorm: clip));
        using var adagrad = optim.Adagrad(reference.parameters(), lr: 0.3, eps: RowSparseAdagrad.Epsilon);
        var generator = new Generator(11);
        int clipped = 0;

        for (int t = 0; t < 320; t++)
        {
            using var scope = NewDisposeScope();
            var batch = TinyCtrModel.RandomBatch(generator, 64);
            Assert.True(batch.Sparse[.., 0].unique().Item1.shape[0] < 64, "the batch repeats ids");
            step.Run(batch, schedule.At(t));

            adagrad.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(reference.call(batch.Dense, batch.Sparse), batch.Label).backward();
            if (nn.utils.clip_grad_norm_(reference.parameters(), clip) > clip) clipped++;
            foreach (var group in adagrad.ParamGroups) group.LearningRate = schedule.At(t);
            adagrad.step();
        }

        Assert.True(clipped > 100, $"clipping acted on {clipped} steps");
        var expected = reference.state_dict();
        foreach (var (name, actual) in sparse.state_dict())
        {
            double difference = (actual - expected[name]).abs().max().item<float>();
            Assert.True(difference <= 1e-6, $"{name} differs by {difference}");
        }
        // The embedding really learned: a row-sparse update that did nothing would fail the comparison above too.
        using var initial = new TinyCtrModel(seed: 5);
        Assert.True((sparse.Embedding.Weight - initial.Embedding.Weight).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void StartedFromAnInitialAccumulatorEqualsTorchAdagradStartedFromIt()
    {
        using var sparse = new TinyCtrModel(seed: 5);
        using var reference = new TinyCtrModel(seed: 6);
        reference.load_state_dict(sparse.state_dict());
        using var step = new TrainingStep(sparse, CPU, new StepSettings(InitialAccumulator: 0.1));
        using var adagrad = optim.Adagrad(reference.parameters(), lr: 0.3, eps: RowSparseAdagrad.Epsilon, initial_accumulator_value: 0.1);
        var generator = new Generator(12);

        for (int t = 0; t < 50; t++)
        {
            using var scope = NewDisposeScope();
            var batch = TinyCtrModel.RandomBatch(generator, 64);
            step.Run(batch, 0.3);
            adagrad.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(reference.call(batch.Dense, batch.Sparse), batch.Label).backward();
            nn.utils.clip_grad_norm_(reference.parameters(), 5.0);
            adagrad.step();
        }

        var expected = reference.state_dict();
        foreach (var (name, actual) in sparse.state_dict())
        {
            double difference = (actual - expected[name]).abs().max().item<float>();
            Assert.True(difference <= 1e-6, $"{name} differs by {difference}");
        }
        // Every accumulator started from 0.1 and only grows.
        Assert.All(step.Optimizer.Accumulators, a => Assert.True(a.Accumulator.min().item<float>() >= 0.1f, a.Name));
    }

    [Fact]
    public void TheTableGetsNoDenseGradientOnlyItsTouchedRows()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyCtrModel(seed: 5);
        using var optimizer = new RowSparseAdagrad(model);
        var batch = TinyCtrModel.RandomBatch(new Generator(3), 32);

        nn.functional.binary_cross_entropy_with_logits(model.call(batch.Dense, batch.Sparse), batch.Label).backward();

        Assert.Null(model.Embedding.Weight.grad);
        var touched = model.Embedding.Touched!;
        var distinctIds = batch.Sparse.Plus(tensor(new long[] { 0, 7, 47 })).unique().Item1;
        Assert.Equal(distinctIds.data<long>().ToArray(), touched.Ids.data<long>().ToArray());
        Assert.Equal(new[] { distinctIds.shape[0], 4L }, touched.Rows.grad!.shape);
        optimizer.ZeroGradients();
        Assert.Null(model.Embedding.Touched);
    }

    [Fact]
    public void RowsABatchDidNotReadKeepTheirWeightsAndAccumulators()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyCtrModel(seed: 5);
        using var step = new TrainingStep(model, CPU, new StepSettings());
        var before = model.Embedding.Weight.clone();
        var batch = TinyCtrModel.RandomBatch(new Generator(3), 8);

        step.Run(batch, 0.1);

        using Scalar marked = true.ToScalar(), zero = 0.ToScalar();
        var read = zeros(before.shape[0], dtype: @bool).index_fill_(0, batch.Sparse.Plus(tensor(new long[] { 0, 7, 47 })).flatten(), marked);
        var changed = model.Embedding.Weight.ne(before).any(1);
        Assert.False(changed.logical_and(read.logical_not()).any().item<bool>());
        Assert.True(changed.any().item<bool>());
        var accumulator = step.Optimizer.Accumulators.Single(a => a.Name == "embedding.weight").Accumulator;
        Assert.False(accumulator.ne(zero).any(1).logical_and(read.logical_not()).any().item<bool>());
    }

    [Fact]
    public void ANonFiniteLossLeavesTheWeightsUntouched()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyCtrModel(seed: 5);
        using var step = new TrainingStep(model, CPU, new StepSettings());
        var batch = TinyCtrModel.RandomBatch(new Generator(3), 8);
        batch.Dense[0, 0] = tensor(float.NaN);
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        Assert.True(float.IsNaN(step.Run(batch, 0.1)));

        foreach (var (name, value) in model.state_dict()) Assert.True(value.eq(before[name]).all().item<bool>(), name);
    }
}
