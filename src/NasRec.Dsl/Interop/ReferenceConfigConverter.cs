using NasRec.Dsl.Model;
using static System.FormattableString;

namespace NasRec.Dsl.Interop;

/// <summary>
/// Converts between the reference's subnet configurations and architectures. The reference encodes
/// every gene of every block, read or not (spec §9.18); an architecture holds only the genes its
/// operators read. Import therefore drops the others and names each one that carried a value;
/// export fills them in.
/// </summary>
public static class ReferenceConfigConverter
{
    /// <summary>What export writes for a connection gene nothing reads: the raw input, which every block may read.</summary>
    private static readonly IReadOnlyList<int> UnreadConnection = new[] { 0 };

    /// <summary>
    /// The architecture <paramref name="config"/> describes in <paramref name="space"/>. Layer norm is
    /// off, as in the reference's final training, whatever the config was searched with (spec §9.1).
    /// </summary>
    /// <param name="ignoredGenes">One line per dropped gene that carried a value, e.g. "block 3: dense_idx [0, 3] is ignored by sigmoid-gating".</param>
    /// <exception cref="ReferenceConfigException">The config belongs to another space, has the wrong block count, or names nodes or connections a block cannot have.</exception>
    public static Architecture ToArchitecture(ReferenceConfig config, SearchSpace space, string name, string dataset, out IReadOnlyList<string> ignoredGenes)
    {
        if (space.ReferenceKey is string key && config.Config != key)
        {
            throw new ReferenceConfigException(Invariant($"The config was searched in the reference space '{config.Config}', but {space.Name} is '{key}'"));
        }
        if (config.NumBlocks != space.Blocks || config.Micro.Count != space.Blocks || config.Macro.Count != space.Blocks)
        {
            throw new ReferenceConfigException(Invariant(
                $"The config has num_blocks {config.NumBlocks}, {config.Micro.Count} micro and {config.Macro.Count} macro entries; {space.Name} has {space.Blocks} blocks"));
        }

        var ignored = new List<string>();
        var blocks = new List<Block>();
        for (int i = 0; i < space.Blocks; i++)
        {
            blocks.Add(ToBlock(i, config.Micro[i], config.Macro[i], space, ignored));
        }
        if (config.UseLayernorm != 0)
        {
            ignored.Add(Invariant($"use_layernorm {config.UseLayernorm} is ignored: the reference's final training forces layer norm off, so layerNorm is false"));
        }
        ignoredGenes = ignored;
        return new Architecture(name, space.Name, dataset, LayerNorm: false, blocks.ToEquatableArray());
    }

    /// <summary>
    /// The reference configuration of <paramref name="architecture"/>. Genes its operators do not read
    /// are written as [0] (the raw input, so the reference can still build the block);
    /// <c>use_layernorm</c> is the architecture's effective setting.
    /// </summary>
    /// <exception cref="ReferenceConfigException">The space has no reference key or lacks an operator the architecture uses.</exception>
    public static ReferenceConfig FromArchitecture(Architecture architecture, SearchSpace space, double? testLoss)
    {
        var key = space.ReferenceKey ?? throw new ReferenceConfigException($"{space.Name} has no referenceKey, so the reference cannot name it");
        var micro = architecture.Blocks.Select((block, i) => new MicroChoice(
            ActiveNodes(i, block, space), block.Dense.Width, block.Sparse.Tokens, block.DenseToSparse ? 1 : 0, block.Fm ? 1 : 0));
        var macro = architecture.Blocks.Select(block => new MacroChoice(
            block.Dense.ReadsInputs ? block.Dense.Inputs : UnreadConnection,
            block.ReadsSparseInputs ? block.Sparse.Inputs : UnreadConnection,
            new[] { block.Dense.Left ?? 0 },
            new[] { block.Dense.Right ?? 0 }));
        bool layerNorm = architecture.LayerNorm ?? space.LayerNorm;
        return new ReferenceConfig(micro.ToList(), macro.ToList(), architecture.Blocks.Count, layerNorm ? 1 : 0, key, testLoss);
    }

    private static Block ToBlock(int index, MicroChoice micro, MacroChoice macro, SearchSpace space, List<string> ignored)
    {
        var (denseOp, sparseOp) = Operators(index, micro.ActiveNodes, space);
        var dense = new DenseChoice(denseOp, micro.DenseInDims, EquatableArray<int>.Empty, null, null);
        var sparse = new SparseChoice(sparseOp, micro.SparseInDims, EquatableArray<int>.Empty);
        bool sparseInputsRead = sparse.ReadsInputs || dense.ReadsSparseInputs;

        if (dense.ReadsInputs) dense = dense with { Inputs = Connections(index, "dense_idx", macro.DenseIdx) };
        else Ignore(ignored, index, denseOp.Name(), ("dense_idx", macro.DenseIdx));

        if (dense.ReadsLeftRight)
        {
            dense = dense with { Left = Single(index, "dense_left_idx", macro.DenseLeftIdx), Right = Single(index, "dense_right_idx", macro.DenseRightIdx) };
        }
        else Ignore(ignored, index, denseOp.Name(), ("dense_left_idx", macro.DenseLeftIdx), ("dense_right_idx", macro.DenseRightIdx));

        if (sparseInputsRead) sparse = sparse with { Inputs = Connections(index, "sparse_idx", macro.SparseIdx) };
        else Ignore(ignored, index, sparseOp.Name() + " and " + denseOp.Name(), ("sparse_idx", macro.SparseIdx));

        return new Block(dense, sparse, micro.DenseSparseInteract != 0, micro.DeepFm != 0);
    }

    /// <summary>The block's dense and sparse operator: active_nodes must name exactly one of each.</summary>
    private static (DenseOperator Dense, SparseOperator Sparse) Operators(int index, IReadOnlyList<int> activeNodes, SearchSpace space)
    {
        int denseNodes = space.DenseOperators.Count;
        int nodes = denseNodes + space.SparseOperators.Count;
        var dense = activeNodes.Where(n => n >= 0 && n < denseNodes).ToList();
        var sparse = activeNodes.Where(n => n >= denseNodes && n < nodes).ToList();
        if (activeNodes.Count != 2 || dense.Count != 1 || sparse.Count != 1)
        {
            throw new ReferenceConfigException(Invariant(
                $"block {index}: active_nodes {Format(activeNodes)} must name one dense node (0..{denseNodes - 1}) and one sparse node ({denseNodes}..{nodes - 1}) of {space.Name}"));
        }
        return (space.DenseOperators[dense[0]], space.SparseOperators[sparse[0] - denseNodes]);
    }

    private static int[] ActiveNodes(int index, Block block, SearchSpace space)
    {
        if (!space.DenseOperators.Contains(block.Dense.Operator) || !space.SparseOperators.Contains(block.Sparse.Operator))
        {
            throw new ReferenceConfigException(Invariant(
                $"block {index}: {block.Dense.Operator.Name()} and {block.Sparse.Operator.Name()} are not both nodes of {space.Name}"));
        }
        return new[] { space.NodeIndex(block.Dense.Operator), space.NodeIndex(block.Sparse.Operator) };
    }

    /// <summary>A connection gene that is read: a non-empty set of inputs the block can read, sorted.</summary>
    private static EquatableArray<int> Connections(int index, string key, IReadOnlyList<int> genes)
    {
        if (genes.Count == 0) throw new ReferenceConfigException(Invariant($"block {index}: {key} is empty, but the block reads it"));
        foreach (var input in genes) CheckReadable(index, key, input);
        return genes.Distinct().OrderBy(input => input).ToEquatableArray();
    }

    /// <summary>A left or right gene that is read: exactly one input the block can read.</summary>
    private static int Single(int index, string key, IReadOnlyList<int> genes)
    {
        if (genes.Count != 1) throw new ReferenceConfigException(Invariant($"block {index}: {key} {Format(genes)} must hold exactly one index"));
        CheckReadable(index, key, genes[0]);
        return genes[0];
    }

    private static void CheckReadable(int index, string key, int input)
    {
        if (input < 0 || input > index)
        {
            throw new ReferenceConfigException(Invariant($"block {index}: {key} holds {input}, but block {index} can read only 0..{index}"));
        }
    }

    /// <summary>Reports dropped genes; an empty one carried nothing and goes unmentioned.</summary>
    private static void Ignore(List<string> ignored, int index, string readers, params (string Key, IReadOnlyList<int> Genes)[] genes)
    {
        var carried = genes.Where(g => g.Genes.Count > 0).Select(g => g.Key + " " + Format(g.Genes)).ToList();
        if (carried.Count == 0) return;
        ignored.Add(Invariant($"block {index}: {string.Join(" and ", carried)} {(carried.Count == 1 ? "is" : "are")} ignored by {readers}"));
    }

    private static string Format(IEnumerable<int> genes) => "[" + string.Join(", ", genes.Select(g => Invariant($"{g}"))) + "]";
}
