using NasRec.Dsl.Model;

namespace NasRec.Runtime.Supernets;

/// <summary>A path through the supernet: one <see cref="BlockChoice"/> per block.</summary>
public sealed record SubnetChoice(EquatableArray<BlockChoice> Blocks)
{
    /// <summary>What a connection gene nothing reads holds: the raw input, which every block may read (as import/export do).</summary>
    private static readonly EquatableArray<int> UnreadConnection = EquatableArray.Create(0);

    /// <summary>Every operator, every connection, the widest width and tokens, both switches where the space allows them.</summary>
    public static SubnetChoice FullPath(SearchSpace space) => new(Enumerable.Range(0, space.Blocks)
        .Select(i => BlockChoice.Of(ChoiceDraws.FullPathConnections(i), ChoiceDraws.FullPathOperators(space)))
        .ToEquatableArray());

    /// <summary>The choice that runs <paramref name="architecture"/>; genes its operators do not read hold the raw input (index 0).</summary>
    public static SubnetChoice Of(Architecture architecture, SearchSpace space)
    {
        if (architecture.Space != space.Name || architecture.Blocks.Count != space.Blocks)
        {
            throw new ArgumentException(
                $"Architecture '{architecture.Name}' ({architecture.Blocks.Count} blocks of '{architecture.Space}') is not an architecture of space '{space.Name}' ({space.Blocks} blocks).",
                nameof(architecture));
        }
        return new(architecture.Blocks.Select(block => new BlockChoice(
            block.Dense.ReadsInputs ? block.Dense.Inputs : UnreadConnection,
            block.ReadsSparseInputs ? block.Sparse.Inputs : UnreadConnection,
            EquatableArray.Create(block.Dense.Left ?? 0),
            EquatableArray.Create(block.Dense.Right ?? 0),
            EquatableArray.Create(block.Dense.Operator),
            EquatableArray.Create(block.Sparse.Operator),
            block.Dense.Width,
            block.Sparse.Tokens,
            block.DenseToSparse,
            block.Fm)).ToEquatableArray());
    }

    /// <summary>Every block holds one dense and one sparse operator (and one left and right input): the choice is an architecture.</summary>
    public bool IsSingleOperator => Blocks.All(block => block.IsSingleOperator);

    /// <summary>The architecture this single-operator choice runs, without the genes its operators do not read; layer norm follows the space.</summary>
    public Architecture ToArchitecture(string name, SearchSpace space, DatasetSchema dataset)
    {
        if (!IsSingleOperator)
        {
            throw new InvalidOperationException("Only a single-operator choice (one dense and one sparse operator, one left and one right input per block) is an architecture.");
        }
        var blocks = Blocks.Select(choice =>
        {
            var dense = new DenseChoice(choice.DenseOperators[0], choice.DenseWidth, EquatableArray<int>.Empty, null, null);
            var sparse = new SparseChoice(choice.SparseOperators[0], choice.SparseTokens, EquatableArray<int>.Empty);
            if (dense.ReadsInputs) dense = dense with { Inputs = choice.DenseInputs };
            if (dense.ReadsLeftRight) dense = dense with { Left = choice.Left[0], Right = choice.Right[0] };
            if (sparse.ReadsInputs || dense.ReadsSparseInputs) sparse = sparse with { Inputs = choice.SparseInputs };
            return new Block(dense, sparse, choice.DenseToSparse, choice.Fm);
        });
        return new Architecture(name, space.Name, dataset.Name, LayerNorm: null, blocks.ToEquatableArray());
    }
}
