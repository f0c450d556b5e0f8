using System.Globalization;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>
/// The reference's architecture encoding and hash (spec §6.5, <c>Tokenizer.tokenize</c> and <c>hash_token</c>), so
/// our candidates compare with its records. Per block, macro first: one bit per block index for each of the dense
/// inputs, sparse inputs, left and right (4·B bits); then micro per block: one bit per operator node, the index of
/// d, the index of s, and each switch one-hot (<c>[1,0]</c> off, <c>[0,1]</c> on). NASRec-Full: 280 symbols,
/// NASRec-Small: 259. Dead genes are encoded too, as the reference does (spec §9.18).
/// </summary>
public static class ChoiceTokens
{
    public static int[] Encode(SubnetChoice choice, SearchSpace space)
    {
        var tokens = new List<int>();
        foreach (var block in choice.Blocks)
        {
            Bits(tokens, space.Blocks, block.DenseInputs);
            Bits(tokens, space.Blocks, block.SparseInputs);
            Bits(tokens, space.Blocks, block.Left);
            Bits(tokens, space.Blocks, block.Right);
        }
        int nodes = space.DenseOperators.Count + space.SparseOperators.Count;
        foreach (var block in choice.Blocks)
        {
            Bits(tokens, nodes, block.DenseOperators.Select(space.NodeIndex).Concat(block.SparseOperators.Select(space.NodeIndex)));
            tokens.Add(IndexOf(space.DenseWidths, block.DenseWidth, "dense width"));
            tokens.Add(IndexOf(space.SparseTokens, block.SparseTokens, "token count"));
            OneHot(tokens, block.DenseToSparse);
            OneHot(tokens, block.Fm);
        }
        return tokens.ToArray();
    }

    /// <summary>The token digits concatenated: the reference's <c>hash_token</c>, the search's identity of a candidate.</summary>
    public static string Hash(SubnetChoice choice, SearchSpace space) =>
        string.Concat(Encode(choice, space).Select(token => token.ToString(CultureInfo.InvariantCulture)));

    private static void Bits(List<int> tokens, int count, IEnumerable<int> set)
    {
        var on = set.ToHashSet();
        for (int i = 0; i < count; i++) tokens.Add(on.Contains(i) ? 1 : 0);
    }

    private static void OneHot(List<int> tokens, bool value)
    {
        tokens.Add(value ? 0 : 1);
        tokens.Add(value ? 1 : 0);
    }

    private static int IndexOf(EquatableArray<int> choices, int value, string what)
    {
        int index = choices.ToList().IndexOf(value);
        return index >= 0 ? index : throw new ArgumentException($"The {what} {value} is not a choice of the space.");
    }
}
