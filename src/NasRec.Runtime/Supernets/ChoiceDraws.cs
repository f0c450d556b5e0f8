using NasRec.Dsl.Model;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// The draws of spec §3.1, shared by every sampler and the search's mutation (spec §6.2). Block
/// <c>i</c> has n = i + 1 candidate inputs. The reference caps connection and operator counts at 4;
/// here the cap is the space's <see cref="SearchSpace.MaxInputs"/> (4 in every shipped space).
/// </summary>
public static class ChoiceDraws
{
    /// <summary>How many of <paramref name="candidates"/> items an any-path draw takes: <c>uniform</c> 1 + U{0 .. min(n, cap) - 1},
    /// <c>binomial-0.5</c> 1 + Binomial(min(n - 1, cap - 1), 0.5).</summary>
    public static int Count(ChoiceRandom random, ConnectionCount count, int candidates, int cap) => count switch
    {
        ConnectionCount.Uniform => 1 + random.Next(Math.Min(candidates, cap)),
        ConnectionCount.Binomial => 1 + FairCoinHeads(random, Math.Min(candidates - 1, cap - 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(count), count, "Unknown connection count."),
    };

    /// <summary><paramref name="count"/> distinct indices of 0 .. <paramref name="candidates"/> - 1, uniformly without replacement, ascending.</summary>
    public static EquatableArray<int> Distinct(ChoiceRandom random, int count, int candidates)
    {
        // A partial Fisher–Yates shuffle: the first `count` slots are a uniform sample.
        var indices = Enumerable.Range(0, candidates).ToArray();
        for (int k = 0; k < count; k++)
        {
            int j = k + random.Next(candidates - k);
            (indices[k], indices[j]) = (indices[j], indices[k]);
        }
        return indices.Take(count).OrderBy(i => i).ToEquatableArray();
    }

    /// <summary>Single-path connections: one dense and one sparse input, left and right, each uniform (left and right independent).</summary>
    public static BlockConnections SinglePathConnections(ChoiceRandom random, int block) => new(
        One(random, block), One(random, block), One(random, block), One(random, block));

    /// <summary>Any-path connections: <see cref="Count"/> distinct dense and sparse inputs; one left and one right input, independent.</summary>
    public static BlockConnections AnyPathConnections(ChoiceRandom random, SearchSpace space, int block, ConnectionCount count)
    {
        int candidates = block + 1;
        var dense = Distinct(random, Count(random, count, candidates, space.MaxInputs), candidates);
        var sparse = Distinct(random, Count(random, count, candidates, space.MaxInputs), candidates);
        return new(dense, sparse, One(random, block), One(random, block));
    }

    /// <summary>Fixed-path connections (and the mutation's fresh macro draw): any-path with uniform counts.</summary>
    public static BlockConnections FixedPathConnections(ChoiceRandom random, SearchSpace space, int block) =>
        AnyPathConnections(random, space, block, ConnectionCount.Uniform);

    /// <summary>Every earlier output in all four lists.</summary>
    public static BlockConnections FullPathConnections(int block)
    {
        var all = Enumerable.Range(0, block + 1).ToEquatableArray();
        return new(all, all, all, all);
    }

    /// <summary>Single-path (and fixed-path, and the mutation's fresh micro draw) operators: one dense and one sparse operator,
    /// a width, a token count and the two switches, each uniform; redrawn while both operators are zeros.</summary>
    public static BlockOperators SingleOperator(ChoiceRandom random, SearchSpace space)
    {
        while (true)
        {
            var dense = EquatableArray.Create(random.Pick(space.DenseOperators));
            var sparse = EquatableArray.Create(random.Pick(space.SparseOperators));
            var operators = Dimensions(random, space, dense, sparse);
            if (!OnlyZeros(operators)) return operators;
        }
    }

    /// <summary>Any-path operators: <see cref="Count"/> distinct dense and sparse operators, the rest as <see cref="SingleOperator"/>.</summary>
    public static BlockOperators AnyOperators(ChoiceRandom random, SearchSpace space, ConnectionCount count)
    {
        while (true)
        {
            var dense = Subset(random, space.DenseOperators, count, space.MaxInputs);
            var sparse = Subset(random, space.SparseOperators, count, space.MaxInputs);
            var operators = Dimensions(random, space, dense, sparse);
            if (!OnlyZeros(operators)) return operators;
        }
    }

    /// <summary>Every operator at the widest width and tokens, with both switches where the space allows them.</summary>
    public static BlockOperators FullPathOperators(SearchSpace space) => new(
        space.DenseOperators, space.SparseOperators, space.DenseWidths.Max(), space.SparseTokens.Max(), space.DenseToSparse, space.Fm);

    private static int FairCoinHeads(ChoiceRandom random, int tosses)
    {
        int heads = 0;
        for (int k = 0; k < tosses; k++)
        {
            if (random.NextBool()) heads++;
        }
        return heads;
    }

    private static EquatableArray<int> One(ChoiceRandom random, int block) => EquatableArray.Create(random.Next(block + 1));

    /// <summary>Operators in the space's node order, so that equal choices are equal records.</summary>
    private static EquatableArray<T> Subset<T>(ChoiceRandom random, EquatableArray<T> operators, ConnectionCount count, int cap) =>
        Distinct(random, Count(random, count, operators.Count, cap), operators.Count).Select(i => operators[i]).ToEquatableArray();

    private static BlockOperators Dimensions(ChoiceRandom random, SearchSpace space, EquatableArray<DenseOperator> dense, EquatableArray<SparseOperator> sparse) => new(
        dense, sparse, random.Pick(space.DenseWidths), random.Pick(space.SparseTokens),
        space.DenseToSparse && random.NextBool(), space.Fm && random.NextBool());

    /// <summary>The reference's rejection: the active nodes are exactly the space's zero nodes (one zeros operator of each kind).</summary>
    private static bool OnlyZeros(BlockOperators operators) =>
        operators.DenseOperators is [DenseOperator.Zeros] && operators.SparseOperators is [SparseOperator.Zeros];
}
