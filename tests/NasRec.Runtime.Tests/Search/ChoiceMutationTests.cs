using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Search;

public class ChoiceMutationTests
{
    [Fact]
    public void MutationCountDecaysAsTheReferenceSchedule()
    {
        var reference = new SearchSettings();

        // Spec §6.1: 6 for g = 0; 5 for 1-48; 4 for 49-96; 3 for 97-144; 2 for 145-192; 1 for 193-239.
        Assert.Equal(6, reference.Mutations(0));
        Assert.All(Enumerable.Range(1, 48), g => Assert.Equal(5, reference.Mutations(g)));
        Assert.All(Enumerable.Range(49, 48), g => Assert.Equal(4, reference.Mutations(g)));
        Assert.All(Enumerable.Range(97, 48), g => Assert.Equal(3, reference.Mutations(g)));
        Assert.All(Enumerable.Range(145, 48), g => Assert.Equal(2, reference.Mutations(g)));
        Assert.All(Enumerable.Range(193, 47), g => Assert.Equal(1, reference.Mutations(g)));
        // Generalized as the reference: (G - g) // max(20, G // 5) + 1, so short searches mutate once.
        Assert.All(Enumerable.Range(0, 10), g => Assert.Equal(1, new SearchSettings(Generations: 10).Mutations(g)));
        Assert.Equal(3, new SearchSettings(Generations: 50).Mutations(0));
    }

    [Fact]
    public void MutationResamplesOneKeyOfOneBlockHalfMacroHalfMicro()
    {
        var space = SearchFixtures.Full;
        var random = new ChoiceRandom(3);
        var changedKeys = new Dictionary<string, int>();
        int changed = 0;
        const int Draws = 4000;
        for (int n = 0; n < Draws; n++)
        {
            var parent = ChoiceMutation.RandomChoice(space, random);
            var child = ChoiceMutation.Mutate(parent, space, random);
            var blocks = Enumerable.Range(0, space.Blocks).Where(i => parent.Blocks[i] != child.Blocks[i]).ToList();
            Assert.True(blocks.Count <= 1);
            if (blocks.Count == 0) continue;
            changed++;
            var (before, after) = (parent.Blocks[blocks[0]], child.Blocks[blocks[0]]);
            var keys = Keys(before, after);
            Assert.Single(keys);
            changedKeys[keys[0]] = changedKeys.GetValueOrDefault(keys[0]) + 1;
            Assert.True(after.IsSingleOperator);
            Assert.All(after.DenseInputs.Concat(after.SparseInputs).Concat(after.Left).Concat(after.Right), j => Assert.InRange(j, 0, blocks[0]));
            Assert.InRange(after.DenseInputs.Count, 1, Math.Min(4, blocks[0] + 1));
        }

        // Every one of the 4 macro and 5 micro keys changes sometimes; a resampled value may equal the old one (a no-op).
        Assert.Equal(9, changedKeys.Count);
        Assert.InRange(changed, Draws / 2, Draws - 1);
        double macro = new[] { "dense", "sparse", "left", "right" }.Sum(k => changedKeys.GetValueOrDefault(k));
        double micro = new[] { "operators", "width", "tokens", "denseToSparse", "fm" }.Sum(k => changedKeys.GetValueOrDefault(k));
        // Macro keys of block 0 can only be redrawn as [0]: macro changes are rarer than micro ones, but many.
        Assert.InRange(macro / (macro + micro), 0.25, 0.55);
    }

    private static List<string> Keys(BlockChoice before, BlockChoice after)
    {
        var keys = new List<string>();
        if (before.DenseInputs != after.DenseInputs) keys.Add("dense");
        if (before.SparseInputs != after.SparseInputs) keys.Add("sparse");
        if (before.Left != after.Left) keys.Add("left");
        if (before.Right != after.Right) keys.Add("right");
        if (before.DenseOperators != after.DenseOperators || before.SparseOperators != after.SparseOperators) keys.Add("operators");
        if (before.DenseWidth != after.DenseWidth) keys.Add("width");
        if (before.SparseTokens != after.SparseTokens) keys.Add("tokens");
        if (before.DenseToSparse != after.DenseToSparse) keys.Add("denseToSparse");
        if (before.Fm != after.Fm) keys.Add("fm");
        return keys;
    }
}
