using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class GradientSlicesTests
{
    [Theory]
    [InlineData(SamplingStrategy.Default)]
    [InlineData(SamplingStrategy.AnyPath)]
    [InlineData(SamplingStrategy.FullPath)]
    public void Training_on_weight_column_slices_gives_the_whole_weight_updates(SamplingStrategy strategy)
    {
        var space = SmallSupernets.Full();
        using var sliced = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        using var whole = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        SmallSupernets.Perturb(sliced, seed: 1);
        whole.load_state_dict(sliced.state_dict());
        sliced.Sampler = new PathSampler(space, strategy, ConnectionCount.Uniform, warmupSteps: 0, seed: 2);
        whole.Sampler = new PathSampler(space, strategy, ConnectionCount.Uniform, warmupSteps: 0, seed: 2);
        using var slicedStep = new TrainingStep(sliced, CPU, new StepSettings(ClipNorm: 0.5));
        using var wholeStep = new TrainingStep(whole, CPU, new StepSettings(ClipNorm: 0.5));
        Assert.NotNull(sliced.GradientSlices);
        whole.GradientSlices = null;

        using var clickRate = 0.3.ToScalar();
        for (int i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            var (dense, ids) = SmallSupernets.Batch(16, seed: 10 + i);
            var batch = new Batch(dense, ids, rand([16, 1], generator: new Generator((ulong)i)).lt(clickRate).to(float32));
            float wholeLoss = wholeStep.Run(batch, 0.05), slicedLoss = slicedStep.Run(batch, 0.05);
            // Relative: the products are summed in another order, and full-path losses reach ~6.
            Assert.True(Math.Abs(wholeLoss - slicedLoss) <= 1e-5f * Math.Max(1, Math.Abs(wholeLoss)), $"loss {slicedLoss} against {wholeLoss}");
        }

        var expected = whole.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in sliced.named_parameters())
        {
            float difference = (parameter - expected[name]).abs().max().item<float>();
            Assert.True(difference < 1e-5f, $"{name} differs by {difference}");
        }
    }

    [Fact]
    public void Reading_a_weight_block_twice_before_the_step_fails_loudly()
    {
        var slices = new GradientSlices();
        using var linear = nn.Linear(8, 4);
        slices.Block(linear.weight!, 0, 4, 2, 3);
        slices.Block(linear.weight!, 0, 2, 5, 3);
        slices.Block(linear.weight!, 2, 2, 5, 3);
        Assert.Throws<InvalidOperationException>(() => slices.Block(linear.weight!, 1, 2, 4, 2));
        slices.Release();
        Assert.Empty(slices.Slices);
    }
}
