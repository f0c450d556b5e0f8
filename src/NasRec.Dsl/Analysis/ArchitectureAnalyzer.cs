using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>Derives an <see cref="ArchitectureReport"/> from a valid architecture, its space and its dataset.</summary>
public static class ArchitectureAnalyzer
{
    public static ArchitectureReport Analyze(Architecture architecture, SearchSpace space, DatasetSchema dataset)
    {
        bool ln = architecture.LayerNorm ?? space.LayerNorm;
        int e = space.EmbeddingDim;
        var blocks = architecture.Blocks;
        var widths = new List<int> { dataset.DenseFeatures.Count };
        var tokens = new List<int> { dataset.SparseFeatures.Count };
        foreach (var block in blocks)
        {
            widths.Add(block.Dense.Width);
            tokens.Add(block.Sparse.Tokens + (block.DenseToSparse ? OperatorTraits.MergerTokens : 0));
        }

        var (denseNeeded, sparseNeeded) = Liveness(blocks);
        var shapes = new List<BlockShape>();
        for (int i = 0; i < blocks.Count; i++)
        {
            shapes.Add(Shape(i, blocks[i], widths, tokens, denseNeeded[i + 1], sparseNeeded[i + 1], e, ln));
        }

        int headInput = widths[widths.Count - 1] + e * tokens[tokens.Count - 1];
        var head = OperatorCosts.Head(headInput);
        long embedding = dataset.TableSizes(null).Sum() * e;
        long? searchEmbedding = dataset.SearchTableCap is long cap ? dataset.TableSizes(cap).Sum() * e : null;
        return new ArchitectureReport(
            architecture.Name, ln, e, widths[0], tokens[0], shapes.ToEquatableArray(), headInput,
            Flops: shapes.Sum(s => s.Flops) + head.Flops,
            NonEmbeddingParameters: shapes.Sum(s => s.Parameters) + head.Parameters,
            LiveNonEmbeddingParameters: shapes.Sum(s => s.LiveParameters) + head.Parameters,
            EmbeddingParameters: embedding,
            SearchEmbeddingParameters: searchEmbedding);
    }

    /// <summary>
    /// Which connection outputs the head needs (index 0 = raw input, k = block k-1), walking back
    /// from the last block (spec §8.2): the head reads the last block's dense and sparse outputs;
    /// a dense output needs the dense node (and the sparse node through FM); a sparse output needs
    /// the sparse node (and the dense node through the merger); nodes need what they read.
    /// </summary>
    public static (bool[] Dense, bool[] Sparse) Liveness(IReadOnlyList<Block> blocks)
    {
        var dense = new bool[blocks.Count + 1];
        var sparse = new bool[blocks.Count + 1];
        dense[blocks.Count] = sparse[blocks.Count] = true;
        for (int i = blocks.Count - 1; i >= 0; i--)
        {
            var block = blocks[i];
            bool denseNode = dense[i + 1] || (sparse[i + 1] && block.DenseToSparse);
            bool sparseNode = sparse[i + 1] || (dense[i + 1] && block.Fm);
            if (denseNode)
            {
                if (block.Dense.ReadsInputs) foreach (var j in block.Dense.Inputs) dense[j] = true;
                if (block.Dense.ReadsLeftRight) dense[block.Dense.Left!.Value] = dense[block.Dense.Right!.Value] = true;
                if (block.Dense.ReadsSparseInputs) foreach (var j in block.Sparse.Inputs) sparse[j] = true;
            }
            if (sparseNode && block.Sparse.ReadsInputs)
            {
                foreach (var j in block.Sparse.Inputs) sparse[j] = true;
            }
        }
        return (dense, sparse);
    }

    private static BlockShape Shape(int index, Block block, List<int> widths, List<int> tokens, bool denseLive, bool sparseLive, int e, bool ln)
    {
        var dense = block.Dense;
        var operands = new OperatorShape(
            DenseIn: dense.ReadsInputs ? dense.Inputs.Sum(j => widths[j]) : 0,
            Left: dense.ReadsLeftRight ? widths[dense.Left!.Value] : 0,
            Right: dense.ReadsLeftRight ? widths[dense.Right!.Value] : 0,
            TokensIn: block.ReadsSparseInputs ? block.Sparse.Inputs.Sum(j => tokens[j]) : 0,
            dense.Width, block.Sparse.Tokens, e, ln);

        var denseCost = OperatorTraits.Of(dense.Operator).Cost(operands);
        var sparseCost = OperatorTraits.Of(block.Sparse.Operator).Cost(operands);
        var parts = new List<BlockPart>
        {
            new(BlockPartKind.Dense, denseLive || (sparseLive && block.DenseToSparse), denseCost.Parameters, denseCost.Flops),
            new(BlockPartKind.Sparse, sparseLive || (denseLive && block.Fm), sparseCost.Parameters, sparseCost.Flops),
        };
        if (block.Fm)
        {
            var fm = OperatorTraits.Fm.Cost(operands);
            parts.Add(new(BlockPartKind.Fm, denseLive || (sparseLive && block.MergerReadsFm(e)), fm.Parameters, fm.Flops));
        }
        if (block.DenseToSparse)
        {
            var merger = OperatorTraits.DenseToSparse.Cost(operands);
            parts.Add(new(BlockPartKind.DenseToSparse, sparseLive, merger.Parameters, merger.Flops));
        }

        return new BlockShape(index, block, operands.DenseIn, operands.Left, operands.Right, operands.TokensIn,
            dense.Operator == DenseOperator.DotProduct ? OperatorCosts.DotProductTokens(dense.Width) : 0,
            dense.Width, tokens[index + 1], denseLive, sparseLive, parts.ToEquatableArray());
    }
}
