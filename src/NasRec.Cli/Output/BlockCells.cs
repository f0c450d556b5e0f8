using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using static System.FormattableString;

namespace NasRec.Cli.Output;

/// <summary>The text of a block's genes and shapes, shared by the table and the JSON.</summary>
internal static class BlockCells
{
    /// <summary>What the dense operator reads: its inputs, or its left and right connection.</summary>
    public static string DenseInputs(DenseChoice dense) =>
        dense.ReadsInputs ? List(dense.Inputs) : dense.ReadsLeftRight ? Invariant($"L{dense.Left}/R{dense.Right}") : "-";

    public static string SparseInputs(Block block) =>
        block.ReadsSparseInputs ? List(block.Sparse.Inputs) : "-";

    /// <summary>The dense input width, or the left and right widths of sum and gating (spec Appendix A).</summary>
    public static string DenseIn(BlockShape shape) =>
        shape.Block.Dense.ReadsInputs ? Invariant($"{shape.DenseInWidth}")
        : shape.Block.Dense.ReadsLeftRight ? Invariant($"L{shape.LeftWidth}/R{shape.RightWidth}")
        : "-";

    /// <summary>D: the dense output reaches the head; S: the sparse output does; dead: neither.</summary>
    public static string Live(BlockShape shape) =>
        shape.Dead ? "dead" : (shape.DenseLive ? "D" : "") + (shape.SparseLive ? "S" : "");

    public static string List(IEnumerable<int> inputs) => "[" + string.Join(", ", inputs.Select(i => Invariant($"{i}"))) + "]";
}
