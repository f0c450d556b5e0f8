using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class ChoiceDrawsTests
{
    private const int Draws = 8000;

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public void Binomial_counts_from_block_3_on_are_1_to_4_with_probabilities_1_3_3_1_eighths(int candidates)
    {
        var random = new ChoiceRandom(11);
        ChiSquare.Fits(
            Repeat(() => ChoiceDraws.Count(random, ConnectionCount.Binomial, candidates, cap: 4)),
            new Dictionary<int, double> { [1] = 1 / 8.0, [2] = 3 / 8.0, [3] = 3 / 8.0, [4] = 1 / 8.0 });
    }

    [Fact]
    public void Binomial_counts_are_1_for_block_0_and_1_or_2_for_block_1()
    {
        var random = new ChoiceRandom(12);
        Assert.All(Repeat(() => ChoiceDraws.Count(random, ConnectionCount.Binomial, candidates: 1, cap: 4)), count => Assert.Equal(1, count));
        ChiSquare.Fits(Repeat(() => ChoiceDraws.Count(random, ConnectionCount.Binomial, candidates: 2, cap: 4)),
            new Dictionary<int, double> { [1] = 0.5, [2] = 0.5 });
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(6, 4)]
    public void Uniform_counts_are_uniform_up_to_the_cap(int candidates, int largest)
    {
        var random = new ChoiceRandom(13);
        ChiSquare.Fits(
            Repeat(() => ChoiceDraws.Count(random, ConnectionCount.Uniform, candidates, cap: 4)),
            Enumerable.Range(1, largest).ToDictionary(k => k, _ => 1.0 / largest));
    }

    [Fact]
    public void Distinct_indices_are_ascending_distinct_and_each_index_equally_likely()
    {
        var random = new ChoiceRandom(14);
        var draws = Repeat(() => ChoiceDraws.Distinct(random, count: 2, candidates: 5));
        Assert.All(draws, d => Assert.True(d[0] < d[1]));
        ChiSquare.Fits(draws.SelectMany(d => d), Enumerable.Range(0, 5).ToDictionary(i => i, _ => 1 / 5.0));
    }

    [Fact]
    public void Single_operator_draws_in_NasRec_Full_pick_each_dense_operator_a_quarter_and_each_sparse_operator_half_of_the_time()
    {
        var space = ShippedDocuments.Full;
        var random = new ChoiceRandom(15);
        var draws = Repeat(() => ChoiceDraws.SingleOperator(random, space));
        ChiSquare.Fits(draws.Select(d => d.DenseOperators.Single()), space.DenseOperators.ToDictionary(op => op, _ => 0.25));
        ChiSquare.Fits(draws.Select(d => d.SparseOperators.Single()), space.SparseOperators.ToDictionary(op => op, _ => 0.5));
        ChiSquare.Fits(draws.Select(d => d.DenseWidth), space.DenseWidths.ToDictionary(w => w, _ => 1 / 8.0));
        ChiSquare.Fits(draws.Select(d => d.SparseTokens), space.SparseTokens.ToDictionary(s => s, _ => 1 / 4.0));
        ChiSquare.Fits(draws.Select(d => d.DenseToSparse), new Dictionary<bool, double> { [false] = 0.5, [true] = 0.5 });
        ChiSquare.Fits(draws.Select(d => d.Fm), new Dictionary<bool, double> { [false] = 0.5, [true] = 0.5 });
    }

    [Fact]
    public void Single_operator_draws_never_pair_the_two_zeros_operators()
    {
        var space = ShippedDocuments.FullWithZeros;
        var random = new ChoiceRandom(16);
        var pairs = Repeat(() => ChoiceDraws.SingleOperator(random, space)).Select(d => (d.DenseOperators.Single(), d.SparseOperators.Single())).ToList();
        var allowed = space.DenseOperators.SelectMany(dense => space.SparseOperators.Select(sparse => (dense, sparse)))
            .Where(pair => pair != (DenseOperator.Zeros, SparseOperator.Zeros)).ToList();
        ChiSquare.Fits(pairs, allowed.ToDictionary(pair => pair, _ => 1.0 / allowed.Count));
    }

    [Fact]
    public void Any_path_operator_counts_follow_the_connection_count_over_the_operator_lists()
    {
        var space = ShippedDocuments.Full;
        var random = new ChoiceRandom(17);
        var draws = Repeat(() => ChoiceDraws.AnyOperators(random, space, ConnectionCount.Binomial));
        ChiSquare.Fits(draws.Select(d => d.DenseOperators.Count), new Dictionary<int, double> { [1] = 1 / 8.0, [2] = 3 / 8.0, [3] = 3 / 8.0, [4] = 1 / 8.0 });
        ChiSquare.Fits(draws.Select(d => d.SparseOperators.Count), new Dictionary<int, double> { [1] = 0.5, [2] = 0.5 });
        Assert.All(draws, d => Assert.Equal(d.DenseOperators.OrderBy(space.NodeIndex), d.DenseOperators));
    }

    [Fact]
    public void Single_path_connections_draw_left_and_right_independently()
    {
        var random = new ChoiceRandom(18);
        var draws = Repeat(() => ChoiceDraws.SinglePathConnections(random, block: 2));
        Assert.All(draws, d => Assert.True(d.DenseInputs.Count == 1 && d.SparseInputs.Count == 1));
        var pairs = draws.Select(d => (d.Left.Single(), d.Right.Single()));
        var all = Enumerable.Range(0, 3).SelectMany(l => Enumerable.Range(0, 3).Select(r => (l, r)));
        ChiSquare.Fits(pairs, all.ToDictionary(pair => pair, _ => 1 / 9.0));
    }

    [Fact]
    public void An_unknown_connection_count_fails_loudly() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChoiceDraws.Count(new ChoiceRandom(1), (ConnectionCount)99, 3, 4));

    private static List<T> Repeat<T>(Func<T> draw) => Enumerable.Range(0, Draws).Select(_ => draw()).ToList();
}
