using System.Text.Json;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class PathSamplerTests
{
    private static readonly SearchSpace Space = ShippedDocuments.Full;

    [Fact]
    public void Default_paths_after_warm_up_connect_any_inputs_with_binomial_counts_and_one_operator_per_block()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: 0, seed: 1);
        var paths = Enumerable.Range(0, 4000).Select(_ => sampler.Next()).ToList();
        Assert.All(paths, path => Assert.True(path.IsSingleOperator));
        var quarters = new Dictionary<int, double> { [1] = 1 / 8.0, [2] = 3 / 8.0, [3] = 3 / 8.0, [4] = 1 / 8.0 };
        ChiSquare.Fits(paths.Select(p => p.Blocks[3].DenseInputs.Count), quarters);
        ChiSquare.Fits(paths.Select(p => p.Blocks[6].SparseInputs.Count), quarters);
        ChiSquare.Fits(paths.Select(p => p.Blocks[6].DenseOperators[0]), Space.DenseOperators.ToDictionary(op => op, _ => 0.25));
    }

    [Fact]
    public void Single_path_draws_one_input_per_list()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.SinglePath, ConnectionCount.Binomial, warmupSteps: 0, seed: 2);
        var paths = Enumerable.Range(0, 200).Select(_ => sampler.Next()).ToList();
        Assert.All(paths.SelectMany(p => p.Blocks), block => Assert.True(block.IsSingleOperator && block.DenseInputs.Count == 1 && block.SparseInputs.Count == 1));
    }

    [Fact]
    public void Any_path_draws_several_operators_per_block_with_uniform_counts()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.AnyPath, ConnectionCount.Uniform, warmupSteps: 0, seed: 3);
        var blocks = Enumerable.Range(0, 2000).Select(_ => sampler.Next().Blocks[5]).ToList();
        var uniform = Enumerable.Range(1, 4).ToDictionary(k => k, _ => 0.25);
        ChiSquare.Fits(blocks.Select(b => b.DenseOperators.Count), uniform);
        ChiSquare.Fits(blocks.Select(b => b.DenseInputs.Count), uniform);
        ChiSquare.Fits(blocks.Select(b => b.SparseOperators.Count), new Dictionary<int, double> { [1] = 0.5, [2] = 0.5 });
    }

    [Fact]
    public void Full_path_holds_every_operator_and_connection_at_the_widest_widths()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.FullPath, ConnectionCount.Binomial, warmupSteps: 100, seed: 4);
        var path = sampler.Next();
        Assert.Equal(SubnetChoice.FullPath(Space), path);
        var last = path.Blocks[6];
        Assert.Equal(Enumerable.Range(0, 7), last.DenseInputs);
        Assert.Equal(Enumerable.Range(0, 7), last.Left);
        Assert.Equal(Space.DenseOperators, last.DenseOperators);
        Assert.Equal((1024, 64, true, true), (last.DenseWidth, last.SparseTokens, last.DenseToSparse, last.Fm));
    }

    [Fact]
    public void Fixed_path_draws_one_single_operator_path_and_keeps_it()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.FixedPath, ConnectionCount.Binomial, warmupSteps: 100, seed: 5);
        var first = sampler.Next();
        Assert.True(first.IsSingleOperator);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(first, sampler.Next()));
        Assert.Equal(first, new PathSampler(Space, SamplingStrategy.FixedPath, ConnectionCount.Binomial, 0, seed: 5).Next());
    }

    [Fact]
    public void The_full_path_probability_decays_linearly_over_the_warm_up_and_is_zero_at_the_first_forward()
    {
        Assert.Equal([0, 0.75, 0.5, 0.25, 0, 0], Enumerable.Range(0, 6).Select(t => PathSampler.FullPathProbability(t, 4)));
        Assert.Equal(0, PathSampler.FullPathProbability(3, 0));
    }

    [Fact]
    public void During_warm_up_forward_t_is_full_path_in_its_connections_with_p_t_and_in_each_block_with_p_t_minus_1()
    {
        const int warmup = 4, samplers = 3000;
        // Forwards 0..4 of many independently seeded samplers: at forward t, the fraction of full-path
        // connections estimates p(t) and the fraction of full-path blocks p(t - 1).
        var runs = Enumerable.Range(0, samplers).Select(seed =>
        {
            var sampler = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, warmup, seed);
            return Enumerable.Range(0, warmup + 1).Select(_ => sampler.Next()).ToList();
        }).ToList();
        for (int t = 0; t <= warmup; t++)
        {
            var forward = runs.Select(run => run[t]).ToList();
            // Only full-path connections give block 6 all 7 inputs (any-path takes at most 4).
            var fullMacro = forward.Select(p => p.Blocks[6].DenseInputs.Count == 7);
            var fullMicro = forward.SelectMany(p => p.Blocks).Select(b => b.DenseOperators.Count == Space.DenseOperators.Count);
            AssertFraction(fullMacro, PathSampler.FullPathProbability(t, warmup));
            AssertFraction(fullMicro, PathSampler.FullPathProbability(t - 1, warmup));
        }
    }

    [Fact]
    public void A_restored_state_continues_the_same_paths_after_a_JSON_round_trip()
    {
        var sampler = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: 10, seed: 6);
        for (int i = 0; i < 5; i++) sampler.Next();
        string json = JsonSerializer.Serialize(sampler.State);
        var expected = Enumerable.Range(0, 10).Select(_ => sampler.Next()).ToList();

        var resumed = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: 10, seed: 99);
        resumed.State = JsonSerializer.Deserialize<PathSamplerState>(json)!;
        Assert.Equal(5, resumed.State.Forwards);
        Assert.Equal(expected, Enumerable.Range(0, 10).Select(_ => resumed.Next()));
    }

    [Fact]
    public void Different_seeds_give_different_paths()
    {
        var a = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, 0, seed: 7);
        var b = new PathSampler(Space, SamplingStrategy.Default, ConnectionCount.Binomial, 0, seed: 8);
        Assert.NotEqual(a.Next(), b.Next());
    }

    [Fact]
    public void The_spaces_sampling_section_gives_the_default_sampler()
    {
        var sampler = PathSampler.ForSpace(Space, seed: 9);
        Assert.Equal(SamplingStrategy.Default, sampler.Strategy);
        Assert.Equal(new PathSamplerState(0, sampler.State.Random), sampler.State);
    }

    /// <summary>A binomial proportion within 4.5 standard errors (exact when the probability is 0 or 1).</summary>
    private static void AssertFraction(IEnumerable<bool> outcomes, double probability)
    {
        var list = outcomes.ToList();
        double fraction = list.Count(o => o) / (double)list.Count;
        double tolerance = 4.5 * Math.Sqrt(probability * (1 - probability) / list.Count);
        Assert.True(Math.Abs(fraction - probability) <= tolerance, $"fraction {fraction:F4}, expected {probability:F4} ± {tolerance:F4}");
    }
}
