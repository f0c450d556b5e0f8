using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class SupernetComputeTests
{
    public static TheoryData<string, SamplingStrategy> Paths => new()
    {
        { nameof(SmallSupernets.Full), SamplingStrategy.Default },
        { nameof(SmallSupernets.Full), SamplingStrategy.AnyPath },
        { nameof(SmallSupernets.Full), SamplingStrategy.FullPath },
        { nameof(SmallSupernets.FullAt128), SamplingStrategy.AnyPath },
        { nameof(SmallSupernets.WithZeros), SamplingStrategy.AnyPath },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Skipping_zero_inputs_gives_the_masked_outputs(string spaceName, SamplingStrategy strategy)
    {
        var space = spaceName switch
        {
            nameof(SmallSupernets.FullAt128) => SmallSupernets.FullAt128(),
            nameof(SmallSupernets.WithZeros) => SmallSupernets.WithZeros(),
            _ => SmallSupernets.Full(),
        };
        Below(MaxDifferenceFromMasked(space, strategy, SupernetCompute.SkipZeroInputs, layerNorm: true), 1e-5f);
    }

    [Fact]
    public void Skipping_zero_inputs_gives_the_masked_outputs_without_layer_norm_too() =>
        Below(MaxDifferenceFromMasked(SmallSupernets.Full(), SamplingStrategy.AnyPath, SupernetCompute.SkipZeroInputs, layerNorm: false), 1e-5f);

    [Theory]
    [InlineData(SamplingStrategy.Default)]
    [InlineData(SamplingStrategy.AnyPath)]
    [InlineData(SamplingStrategy.FullPath)]
    public void Slicing_gives_the_masked_outputs_when_layer_norm_is_off(SamplingStrategy strategy) =>
        Below(MaxDifferenceFromMasked(SmallSupernets.Full(), strategy, SupernetCompute.Sliced, layerNorm: false), 1e-5f);

    [Fact]
    public void Slicing_departs_from_the_masked_outputs_with_layer_norm_on() =>
        Assert.True(MaxDifferenceFromMasked(SmallSupernets.Full(), SamplingStrategy.Default, SupernetCompute.Sliced, layerNorm: true) > 1e-3f);

    private static void Below(float difference, float limit) => Assert.True(difference < limit, $"relative difference {difference} ≥ {limit}");

    /// <summary>
    /// The largest difference between <paramref name="compute"/> and <see cref="SupernetCompute.Masked"/> over a few paths,
    /// with equal weights, relative to the largest head input (without layer norm the values grow large).
    /// </summary>
    private static float MaxDifferenceFromMasked(SearchSpace space, SamplingStrategy strategy, SupernetCompute compute, bool layerNorm)
    {
        using var masked = SmallSupernets.Build(space, SupernetCompute.Masked, layerNorm);
        using var other = SmallSupernets.Build(space, compute, layerNorm);
        SmallSupernets.Perturb(masked, seed: 1);
        other.load_state_dict(masked.state_dict());
        var sampler = new PathSampler(space, strategy, ConnectionCount.Uniform, warmupSteps: 0, seed: 2);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (dense, ids) = SmallSupernets.Batch(8, seed: 3);
        float largest = 0;
        for (int i = 0; i < 5; i++)
        {
            var choice = sampler.Next();
            var expected = masked.HeadInput(dense, ids, choice);
            float scale = expected.abs().max().item<float>();
            Assert.True(scale > 0.1f);
            largest = Math.Max(largest, (expected - other.HeadInput(dense, ids, choice)).abs().max().item<float>() / Math.Max(scale, 1));
        }
        return largest;
    }

    [Theory]
    [InlineData(SupernetCompute.Masked)]
    [InlineData(SupernetCompute.SkipZeroInputs)]
    public void Backward_reaches_exactly_the_parameters_of_the_chosen_path(SupernetCompute compute)
    {
        var space = SmallSupernets.Full();
        using var supernet = SmallSupernets.Build(space, compute);
        // A chain (block i reads block i - 1 only), so that every chosen part reaches the head.
        var operators = new (DenseOperator Dense, SparseOperator Sparse, bool Fm, bool Merger)[]
        {
            (DenseOperator.Fc, SparseOperator.Efc, true, false),
            (DenseOperator.DotProduct, SparseOperator.Transformer, false, true),
            (DenseOperator.SigmoidGating, SparseOperator.Efc, true, true),
            (DenseOperator.Sum, SparseOperator.Transformer, false, false),
        };
        var choice = new SubnetChoice(operators.Select((o, i) => new BlockChoice(
            EquatableArray.Create(i), EquatableArray.Create(i), EquatableArray.Create(i), EquatableArray.Create(i),
            EquatableArray.Create(o.Dense), EquatableArray.Create(o.Sparse), 32, 8, o.Merger, o.Fm)).ToEquatableArray());

        using (var scope = NewDisposeScope())
        {
            var (dense, ids) = SmallSupernets.Batch(8, seed: 4);
            (supernet.Forward(dense, ids, choice) * randn(8, 1)).sum().backward();
        }

        var chosen = new HashSet<string>(operators.SelectMany((o, i) => new[]
        {
            $"block{i}_{o.Dense.Name().Replace('-', '_')}.", $"block{i}_{o.Sparse.Name()}.",
            o.Fm ? $"block{i}_fm." : null, o.Merger ? $"block{i}_dense_to_sparse." : null,
        }).OfType<string>()) { "embedding.", "head." };
        foreach (var (name, parameter) in supernet.named_parameters())
        {
            bool onPath = chosen.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
            bool reached = parameter.grad is { } gradient && gradient.abs().max().item<float>() > 0;
            Assert.True(onPath == reached, $"{name}: on the path {onPath}, gradient {reached}");
        }
    }

    [Fact]
    public void Each_forward_call_runs_a_new_path_from_the_sampler()
    {
        var space = SmallSupernets.Full();
        using var supernet = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (dense, ids) = SmallSupernets.Batch(4, seed: 5);
        Assert.Throws<InvalidOperationException>(() => supernet.call(dense, ids));

        supernet.Sampler = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, 0, seed: 6);
        var expected = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, 0, seed: 6);
        var first = supernet.call(dense, ids);
        Assert.Equal(expected.Next(), supernet.LastChoice);
        var second = supernet.call(dense, ids);
        Assert.Equal(expected.Next(), supernet.LastChoice);
        Assert.Equal([4L, 1], first.shape);
        Assert.Equal(supernet.Forward(dense, ids, supernet.LastChoice!).data<float>().ToArray(), second.data<float>().ToArray());
        Assert.Equal(2, supernet.Sampler.State.Forwards);
    }

    [Fact]
    public void An_operator_outside_the_space_fails_loudly()
    {
        var space = SmallSupernets.Full(blocks: 1);
        using var supernet = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        var (dense, ids) = SmallSupernets.Batch(2, seed: 7);
        var valid = SubnetChoice.FullPath(space);
        foreach (var op in new[] { DenseOperator.Zeros, (DenseOperator)42 })
        {
            var choice = new SubnetChoice(EquatableArray.Create(valid.Blocks[0] with { DenseOperators = EquatableArray.Create(op) }));
            var error = Assert.Throws<ArgumentException>(() => supernet.Forward(dense, ids, choice));
            Assert.Contains("is not in space", error.Message);
        }
        Assert.Throws<ArgumentException>(() => supernet.Forward(dense, ids, new SubnetChoice(EquatableArray.Create(valid.Blocks[0] with { DenseWidth = 1024 }))));
        Assert.Throws<ArgumentException>(() => supernet.Forward(dense, ids, new SubnetChoice(EquatableArray.Create(valid.Blocks[0] with { Left = EquatableArray.Create(1) }))));
    }
}
