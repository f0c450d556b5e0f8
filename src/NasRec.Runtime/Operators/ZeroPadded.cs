using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// A tensor that is zero along its last axis except at some parts: the supernet's operator inputs,
/// where unselected connections and masked units are zeros. A linear layer over it multiplies only
/// the parts' column blocks of its weight, which is exact (the zeros contribute nothing) and skips
/// the zero columns' work. Parts may overlap; they then add up (the sum operator's left + right).
/// Token tensors travel transposed, <c>[B, E, tokens]</c>, so that the token axis is the last one.
/// </summary>
public sealed class ZeroPadded
{
    private readonly long[] leadingShape;

    /// <param name="leadingShape">Every axis but the last (<c>[B]</c> or <c>[B, E]</c>).</param>
    /// <param name="size">The length of the last axis, zeros included.</param>
    /// <param name="slices">Where linear layers over this tensor take their weights' gradients when recording (null: whole weights).</param>
    public ZeroPadded(long[] leadingShape, long size, IReadOnlyList<ZeroPaddedPart> parts, ScalarType dtype, Device device, GradientSlices? slices = null)
    {
        foreach (var part in parts)
        {
            if (part.Offset < 0 || part.End > size)
                throw new ArgumentException($"A part of {part.Value.shape[^1]} at {part.Offset} does not fit in {size}.", nameof(parts));
        }
        this.leadingShape = leadingShape;
        Size = size;
        Parts = parts;
        Dtype = dtype;
        Device = device;
        Slices = slices;
    }

    /// <summary>A tensor with no known zeros.</summary>
    public static ZeroPadded Whole(Tensor value) =>
        new(value.shape[..^1], value.shape[^1], [new ZeroPaddedPart(0, value)], value.dtype, value.device);

    public long Size { get; }

    public ScalarType Dtype { get; }

    public Device Device { get; }

    public GradientSlices? Slices { get; }

    /// <summary>Every axis but the last.</summary>
    public IReadOnlyList<long> LeadingShape => leadingShape;

    public IReadOnlyList<ZeroPaddedPart> Parts { get; }

    /// <summary>The parts placed <paramref name="offset"/> units further along a longer axis.</summary>
    public IEnumerable<ZeroPaddedPart> Shifted(long offset) => Parts.Select(p => p with { Offset = p.Offset + offset });

    /// <summary>Other parts over the same leading shape, in an axis of <paramref name="size"/>.</summary>
    public ZeroPadded With(IReadOnlyList<ZeroPaddedPart> parts, long size) => new(leadingShape, size, parts, Dtype, Device, Slices);

    /// <summary>The sum of two inputs of one size: their parts together.</summary>
    public ZeroPadded Plus(ZeroPadded other) => With([.. Parts, .. other.Parts], Math.Max(Size, other.Size));

    /// <summary>The full tensor, zeros written out (from the shared zero blocks).</summary>
    public Tensor Materialize()
    {
        if (Parts is [{ Offset: 0 } only] && only.End == Size) return only.Value;
        var ordered = Parts.OrderBy(p => p.Offset).ToList();
        bool overlapping = ordered.Zip(ordered.Skip(1)).Any(pair => pair.First.End > pair.Second.Offset);
        if (overlapping)
        {
            return Parts.Select(p => With([p], Size).Materialize()).Aggregate((a, b) => a.Plus(b));
        }
        var pieces = new List<Tensor>();
        long at = 0;
        foreach (var part in ordered)
        {
            if (part.Offset > at) pieces.Add(ZeroBlock(part.Offset - at));
            pieces.Add(part.Value);
            at = part.End;
        }
        if (at < Size) pieces.Add(ZeroBlock(Size - at));
        return pieces.Count == 1 ? pieces[0] : cat(pieces, -1);
    }

    /// <summary>
    /// The same tensor with each run of touching parts joined into one (their values concatenated): a linear layer then
    /// multiplies one contiguous block of its weight per run. Joined once where a block gathers its inputs, it serves
    /// every operator that reads them.
    /// </summary>
    public ZeroPadded Joined()
    {
        var runs = Runs((previous, next) => next.Offset == previous.End);
        if (runs.Count == Parts.Count) return this;
        return With(runs.Select(run => run.Count == 1 ? run[0] : new ZeroPaddedPart(run[0].Offset, cat(run.Select(p => p.Value).ToArray(), -1))).ToList(), Size);
    }

    public Tensor Linear(Linear linear) => Linear(linear, 0, linear.weight!.shape[0]);

    /// <summary>The first <paramref name="outputs"/> outputs of <paramref name="linear"/> only.</summary>
    public Tensor Linear(Linear linear, long outputs) => Linear(linear, 0, outputs);

    /// <summary>
    /// Outputs <c>[firstOutput, firstOutput + outputs)</c> of <c>x Wᵀ + b</c> over the last axis, from the parts' column
    /// blocks of the weight only (exact: the zeros contribute nothing): the parts side by side (overlapping ones added
    /// first) times those blocks side by side, one matrix product. A single part (a joined run) multiplies its block in
    /// place, so full-path products copy no weights. When recording with <see cref="Slices"/>, each part's block of the
    /// weight is a leaf with its own gradient.
    /// </summary>
    public Tensor Linear(Linear linear, long firstOutput, long outputs)
    {
        var weight = linear.weight!;
        var bias = linear.bias is null ? null : Range(linear.bias, 0, firstOutput, outputs);
        var runs = Runs((previous, next) => next.Offset < previous.End).Select(Overlaid).ToList();
        if (runs.Count == 0)
        {
            long[] shape = [.. leadingShape, outputs];
            return bias is null ? ConstantCache.Zeros(shape, Dtype, Device) : bias.expand(shape);
        }
        bool sliced = Slices is not null && weight.requires_grad && is_grad_enabled();
        var blocks = runs.Select(run => sliced
            ? Slices!.Block(weight, firstOutput, outputs, run.Offset, run.Value.shape[^1])
            : Range(Range(weight, 0, firstOutput, outputs), 1, run.Offset, run.Value.shape[^1])).ToArray();
        if (runs.Count == 1) return nn.functional.linear(runs[0].Value, blocks[0], bias);
        return nn.functional.linear(cat(runs.Select(run => run.Value).ToArray(), -1), cat(blocks, 1), bias);
    }

    /// <summary>
    /// <paramref name="length"/> entries of axis <paramref name="dim"/> from <paramref name="start"/>: the tensor itself when
    /// that is all of them, since a view's backward writes its gradient into zeros the size of the whole tensor.
    /// </summary>
    private static Tensor Range(Tensor tensor, int dim, long start, long length) =>
        start == 0 && length == tensor.shape[dim] ? tensor : tensor.narrow(dim, start, length);

    /// <summary>The parts in order of offset, in runs of consecutive parts that <paramref name="continues"/> the run's last one.</summary>
    private List<List<ZeroPaddedPart>> Runs(Func<ZeroPaddedPart, ZeroPaddedPart, bool> continues)
    {
        var runs = new List<List<ZeroPaddedPart>>();
        foreach (var part in Parts.OrderBy(p => p.Offset))
        {
            if (runs.Count > 0 && continues(runs[^1].MaxBy(p => p.End), part)) runs[^1].Add(part);
            else runs.Add([part]);
        }
        return runs;
    }

    /// <summary>Overlapping parts as one: added directly when they cover the same units (the sum operator's left = right), else padded to their extent first.</summary>
    private (long Offset, Tensor Value) Overlaid(List<ZeroPaddedPart> run)
    {
        var first = run[0];
        if (run.Count == 1) return (first.Offset, first.Value);
        if (run.All(p => p.Offset == first.Offset && p.End == first.End)) return (first.Offset, run.Skip(1).Aggregate(first.Value, (sum, p) => sum.Plus(p.Value)));
        long end = run.Max(p => p.End);
        return (first.Offset, With(run.Select(p => p with { Offset = p.Offset - first.Offset }).ToList(), end - first.Offset).Materialize());
    }

    private Tensor ZeroBlock(long length) => ConstantCache.Zeros([.. leadingShape, length], Dtype, Device);
}

/// <summary>A non-zero stretch of a <see cref="ZeroPadded"/> tensor: its values start at <paramref name="Offset"/> of the last axis.</summary>
public readonly record struct ZeroPaddedPart(long Offset, Tensor Value)
{
    /// <summary>Where the part ends along the last axis (exclusive).</summary>
    public long End => Offset + Value.shape[^1];
}
