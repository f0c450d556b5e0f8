using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Gradients of the blocks of weight matrices a step reads, instead of the whole weights. A linear layer over
/// zero-padded inputs multiplies only some column ranges of its weight, but the gradient of a view of a parameter is
/// a tensor the size of the parameter, mostly zeros, which backward fills and clipping and the optimizer then read
/// in full. Here each block read is a leaf view of the weight with a gradient of its own, and the optimizer updates
/// the weight through it. A zero gradient leaves Adagrad's accumulator and weight unchanged, so the result is the same.
/// Blocks must not overlap until <see cref="Release"/> (one forward per optimizer step).
/// </summary>
public sealed class GradientSlices
{
    private readonly List<GradientSlice> slices = new();

    /// <summary>The blocks read since the last <see cref="Release"/>, with their leaves.</summary>
    public IReadOnlyList<GradientSlice> Slices => slices;

    /// <summary>
    /// Rows <c>[firstRow, firstRow + rows)</c> and columns <c>[firstColumn, firstColumn + columns)</c> of
    /// <paramref name="weight"/>, as a leaf view.
    /// </summary>
    public Tensor Block(Parameter weight, long firstRow, long rows, long firstColumn, long columns)
    {
        var block = new GradientSlice(weight, firstRow, rows, firstColumn, columns);
        if (slices.Any(s => s.Overlaps(block)))
            throw new InvalidOperationException("A weight block was read twice before the optimizer step: gradient slices need one forward per step.");
        Tensor leaf;
        using (no_grad()) leaf = block.Of(weight.detach());
        leaf.requires_grad_(true);
        slices.Add(block with { Leaf = leaf.DetachFromDisposeScope() });
        return leaf;
    }

    /// <summary>Drops the leaves and their gradients once the step that needed them is done.</summary>
    public void Release()
    {
        foreach (var slice in slices) slice.Leaf!.Dispose();
        slices.Clear();
    }
}

/// <summary>A block of <paramref name="Weight"/> and its leaf view (null until read).</summary>
public sealed record GradientSlice(Parameter Weight, long FirstRow, long Rows, long FirstColumn, long Columns, Tensor? Leaf = null)
{
    /// <summary>The same block of <paramref name="tensor"/> (the weight itself, or a tensor of its shape).</summary>
    public Tensor Of(Tensor tensor) => tensor.narrow(0, FirstRow, Rows).narrow(1, FirstColumn, Columns);

    public bool Overlaps(GradientSlice other) => other.Weight.Handle == Weight.Handle
        && FirstRow < other.FirstRow + other.Rows && other.FirstRow < FirstRow + Rows
        && FirstColumn < other.FirstColumn + other.Columns && other.FirstColumn < FirstColumn + Columns;
}

/// <summary>A model whose linear layers can take their gradients as <see cref="GradientSlices"/>.</summary>
public interface IGradientSlicing
{
    /// <summary>Set by the optimizer, which then updates the sliced weights; null: whole-weight gradients.</summary>
    GradientSlices? GradientSlices { get; set; }
}
