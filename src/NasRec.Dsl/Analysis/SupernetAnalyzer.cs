using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>Derives a <see cref="SupernetReport"/> from a valid space and dataset (spec §2.4-§2.5).</summary>
public static class SupernetAnalyzer
{
    /// <param name="layerNorm">Layer norm in the operators; null means the space's setting.</param>
    public static SupernetReport Analyze(SearchSpace space, DatasetSchema dataset, bool? layerNorm = null)
    {
        bool ln = layerNorm ?? space.LayerNorm;
        int e = space.EmbeddingDim;
        int width = space.DenseWidths.Max();
        int tokens = space.SparseTokens.Max();
        int tokensOut = tokens + OperatorTraits.MergerTokens;

        var parts = space.DenseOperators.Select(OperatorTraits.Of)
            .Concat(space.SparseOperators.Select(OperatorTraits.Of))
            .Concat(space.Fm ? [OperatorTraits.Fm] : [])
            .Concat(space.DenseToSparse ? [OperatorTraits.DenseToSparse] : [])
            .ToList();
        var blocks = new List<SupernetBlock>();
        for (int i = 0; i < space.Blocks; i++)
        {
            int denseIn = dataset.DenseFeatures.Count + width * i;
            // Sum and gating pick left and right among the same zero-padded list, so they are as wide as the dense inputs.
            var operands = new OperatorShape(denseIn, denseIn, denseIn, dataset.SparseFeatures.Count + tokensOut * i, width, tokens, e, ln);
            var costs = parts.Select(part => part.Cost(operands)).ToList();
            blocks.Add(new SupernetBlock(i, operands.DenseIn, operands.TokensIn, costs.Sum(c => c.Parameters), costs.Sum(c => c.Flops)));
        }

        int headInput = width + e * tokensOut;
        var head = OperatorCosts.Head(headInput);
        return new SupernetReport(space.Name, dataset.Name, ln, e, width, tokensOut, blocks.ToEquatableArray(), headInput,
            Flops: blocks.Sum(b => b.Flops) + head.Flops,
            NonEmbeddingParameters: blocks.Sum(b => b.Parameters) + head.Parameters);
    }
}
