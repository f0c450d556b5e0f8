using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>
/// The reference's mutation (spec §6.2, <c>Tokenizer.mutate_spec</c>) and its random architecture: both draw with the
/// fixed-path sampler's draws (<see cref="ChoiceDraws"/>), so the search explores the distribution the supernet was
/// trained on.
/// </summary>
public static class ChoiceMutation
{
    /// <summary>
    /// Resamples one gene of one block: a uniform block; with probability 1/2 its macro genes, else its micro genes.
    /// A complete fresh macro (or micro) choice is drawn, then one of its 4 (or 5) keys replaces the block's. The
    /// micro key "operators" replaces the dense and the sparse operator together, as the reference's
    /// <c>active_nodes</c>. The same value may come again: a mutation can change nothing.
    /// </summary>
    public static SubnetChoice Mutate(SubnetChoice choice, SearchSpace space, ChoiceRandom random)
    {
        int index = random.Next(space.Blocks);
        var block = choice.Blocks[index];
        if (random.NextDouble() > 0.5)
        {
            var fresh = ChoiceDraws.FixedPathConnections(random, space, index);
            block = random.Next(4) switch
            {
                0 => block with { DenseInputs = fresh.DenseInputs },
                1 => block with { SparseInputs = fresh.SparseInputs },
                2 => block with { Left = fresh.Left },
                _ => block with { Right = fresh.Right },
            };
        }
        else
        {
            var fresh = ChoiceDraws.SingleOperator(random, space);
            block = random.Next(5) switch
            {
                0 => block with { DenseOperators = fresh.DenseOperators, SparseOperators = fresh.SparseOperators },
                1 => block with { DenseWidth = fresh.DenseWidth },
                2 => block with { SparseTokens = fresh.SparseTokens },
                3 => block with { DenseToSparse = fresh.DenseToSparse },
                _ => block with { Fm = fresh.Fm },
            };
        }
        return new SubnetChoice(choice.Blocks.Select((b, i) => i == index ? block : b).ToEquatableArray());
    }

    /// <summary>A random architecture as the reference's initial population draws it: fixed-path connections and a single operator per block.</summary>
    public static SubnetChoice RandomChoice(SearchSpace space, ChoiceRandom random) => new(Enumerable.Range(0, space.Blocks)
        .Select(block => BlockChoice.Of(ChoiceDraws.FixedPathConnections(random, space, block), ChoiceDraws.SingleOperator(random, space)))
        .ToEquatableArray());
}
