namespace NasRec.Dsl.Interop;

/// <summary>
/// A subnet configuration of the reference implementation, as in its <c>*_best_1shot.json</c> files
/// (spec §4): one micro and one macro choice per block. Property names are the JSON keys in
/// PascalCase (a snake_case naming policy maps them back); the 0/1 switches stay integers, as there.
/// </summary>
/// <param name="UseLayernorm">The layer-norm setting the candidate was searched with (the final training ignores it).</param>
/// <param name="Config">The reference's search-space key (<c>xlarge</c>, <c>autoctr</c>, ...).</param>
/// <param name="TestLoss">The candidate's search-time val logloss under the fine-tuned supernet, not a test result.</param>
public sealed record ReferenceConfig(
    IReadOnlyList<MicroChoice> Micro,
    IReadOnlyList<MacroChoice> Macro,
    int NumBlocks,
    int UseLayernorm,
    string Config,
    double? TestLoss = null);

/// <summary>A block's operators, widths and interaction switches.</summary>
/// <param name="ActiveNodes">Node indices in the space's node order (dense nodes first, then sparse nodes): one of each.</param>
/// <param name="DenseInDims">d: the dense output width.</param>
/// <param name="SparseInDims">s: the sparse output token count.</param>
/// <param name="DenseSparseInteract">1: the dense→sparse merger is on.</param>
/// <param name="DeepFm">1: the FM sparse→dense merger is on.</param>
public sealed record MicroChoice(IReadOnlyList<int> ActiveNodes, int DenseInDims, int SparseInDims, int DenseSparseInteract, int DeepFm);

/// <summary>A block's connections (0 = raw input, k = block k-1). Every block holds all four, read or not.</summary>
/// <param name="DenseIdx">Dense inputs of fc and dot-product.</param>
/// <param name="SparseIdx">Token inputs of the sparse operator and of dot-product.</param>
/// <param name="DenseLeftIdx">One index: the left input of sum and sigmoid-gating.</param>
/// <param name="DenseRightIdx">One index: the right input of sum and sigmoid-gating.</param>
public sealed record MacroChoice(IReadOnlyList<int> DenseIdx, IReadOnlyList<int> SparseIdx, IReadOnlyList<int> DenseLeftIdx, IReadOnlyList<int> DenseRightIdx);

/// <summary>A reference configuration that does not describe a subnet of the given space.</summary>
public sealed class ReferenceConfigException(string message) : Exception(message);
