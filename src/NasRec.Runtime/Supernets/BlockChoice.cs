using NasRec.Dsl.Model;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// One block of the reference's "choice" (spec §3.1, §6.2, §6.5): its macro genes (connections) and
/// micro genes (operators, widths, switches), dead genes included, so that mutation and the
/// architecture hash behave as the reference's. Connection indices are ascending indices into the
/// outputs list (0 = raw input, j = block j - 1). A sampled any-path or full-path choice may hold
/// several operators; their outputs are summed.
/// </summary>
/// <param name="Left">The left input of sum and sigmoid-gating: one index for a single-operator choice, all of 0..i for full-path.</param>
/// <param name="DenseWidth">d: the width the dense operators' outputs keep.</param>
/// <param name="SparseTokens">s: the tokens the sparse operators' outputs keep (without the merger's).</param>
public sealed record BlockChoice(
    EquatableArray<int> DenseInputs,
    EquatableArray<int> SparseInputs,
    EquatableArray<int> Left,
    EquatableArray<int> Right,
    EquatableArray<DenseOperator> DenseOperators,
    EquatableArray<SparseOperator> SparseOperators,
    int DenseWidth,
    int SparseTokens,
    bool DenseToSparse,
    bool Fm)
{
    public static BlockChoice Of(BlockConnections connections, BlockOperators operators) => new(
        connections.DenseInputs, connections.SparseInputs, connections.Left, connections.Right,
        operators.DenseOperators, operators.SparseOperators, operators.DenseWidth, operators.SparseTokens, operators.DenseToSparse, operators.Fm);

    /// <summary>The macro genes.</summary>
    public BlockConnections Connections => new(DenseInputs, SparseInputs, Left, Right);

    /// <summary>The micro genes.</summary>
    public BlockOperators Operators => new(DenseOperators, SparseOperators, DenseWidth, SparseTokens, DenseToSparse, Fm);

    /// <summary>One dense and one sparse operator, one left and one right input: an architecture's block.</summary>
    public bool IsSingleOperator => DenseOperators.Count == 1 && SparseOperators.Count == 1 && Left.Count == 1 && Right.Count == 1;
}

/// <summary>A block's macro genes (the reference's <c>dense_idx</c>, <c>sparse_idx</c>, <c>dense_left_idx</c>, <c>dense_right_idx</c>).</summary>
public sealed record BlockConnections(EquatableArray<int> DenseInputs, EquatableArray<int> SparseInputs, EquatableArray<int> Left, EquatableArray<int> Right);

/// <summary>A block's micro genes (the reference's <c>active_nodes</c>, <c>dense_in_dims</c>, <c>sparse_in_dims</c>, <c>dense_sparse_interact</c>, <c>deep_fm</c>).</summary>
public sealed record BlockOperators(
    EquatableArray<DenseOperator> DenseOperators, EquatableArray<SparseOperator> SparseOperators, int DenseWidth, int SparseTokens, bool DenseToSparse, bool Fm);
