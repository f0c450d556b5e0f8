using NasRec.Dsl.Model;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Search;

public class ChoiceTokensTests
{
    /// <summary>The EA record printed in the reference's notebooks/dump_ea_records.ipynb (ea_results[-3]), with its hash_token.</summary>
    private const string NotebookHash =
        "1000000100000010000001000000010000011000000100000010000001100001110000001000010000001000000110000001000001000000111100010011" +
        "0000100000000100000010000001100010000000001010010000111100000000100000010010106201010100017301010010015310100010010010011000" +
        "01101001001010310101100010731001";

    [Fact]
    public void NotebookRecordHashesToItsHashToken()
    {
        // (dense_idx, sparse_idx, left, right) and (active_nodes, d, s, dense_sparse_interact, deep_fm) of each block, as printed.
        int[][][] macro =
        [
            [[0], [0], [0], [0]], [[1], [1, 0], [1], [1]], [[1, 2], [0, 2, 1], [2], [0]], [[0], [0, 1], [1], [0]],
            [[1, 3, 2, 0], [4, 0, 3], [2], [4]], [[4], [4, 5], [2], [5]], [[0, 3], [1, 4, 3, 2], [6], [6]],
        ];
        (int Dense, int Sparse, int D, int S, bool Dsi, bool Fm)[] micro =
        [
            (2, 4, 768, 48, true, true), (1, 5, 1024, 64, true, true), (2, 5, 512, 64, false, false), (2, 5, 16, 16, false, true),
            (0, 5, 32, 16, false, true), (2, 4, 128, 32, true, true), (0, 4, 1024, 64, false, true),
        ];
        var space = SearchFixtures.Full;
        var choice = new SubnetChoice(Enumerable.Range(0, 7).Select(i => new BlockChoice(
            Sorted(macro[i][0]), Sorted(macro[i][1]), Sorted(macro[i][2]), Sorted(macro[i][3]),
            EquatableArray.Create(space.DenseOperators[micro[i].Dense]),
            EquatableArray.Create(space.SparseOperators[micro[i].Sparse - space.DenseOperators.Count]),
            micro[i].D, micro[i].S, micro[i].Dsi, micro[i].Fm)).ToEquatableArray());

        Assert.Equal(280, NotebookHash.Length);
        Assert.Equal(NotebookHash, ChoiceTokens.Hash(choice, space));
    }

    [Theory]
    [InlineData("CriteoNasRecNetFull", "NasRecFull", 280)]
    [InlineData("CriteoNasRecNetSmall", "NasRecSmall", 259)]
    public void EncodingHasTheReferenceLength(string architecture, string space, int symbols)
    {
        var searchSpace = space == "NasRecFull" ? SearchFixtures.Full : SearchFixtures.Small;
        var choice = SubnetChoice.Of(SearchFixtures.Released(architecture), searchSpace);

        Assert.Equal(symbols, ChoiceTokens.Encode(choice, searchSpace).Length);
    }

    [Fact]
    public void EncodingOfTheReleasedCriteoFullModelFollowsSpec42()
    {
        var tokens = ChoiceTokens.Encode(SubnetChoice.Of(SearchFixtures.Released("CriteoNasRecNetFull"), SearchFixtures.Full), SearchFixtures.Full);

        // Block 2 (spec §4.2): DP/EFC, d 768 (index 6), s 32 (index 1), merger off, FM on; its dense inputs are [1, 2].
        Assert.Equal([0, 1, 1, 0, 0, 0, 0], tokens[(2 * 28)..(2 * 28 + 7)]);
        Assert.Equal([0, 1, 0, 0, 0, 1, 6, 1, 1, 0, 0, 1], tokens[(196 + 2 * 12)..(196 + 3 * 12)]);
    }

    private static EquatableArray<int> Sorted(int[] indices) => indices.Order().ToEquatableArray();
}
