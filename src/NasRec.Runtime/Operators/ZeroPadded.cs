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
            if (part.Offset < 0 || part.Offset + part.Value.shape[^1] > size)
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
        if (Parts is [{ Offset: 0 } only] && only.Value.shape[^1] == Size) return only.Value;
        var ordered = Parts.OrderBy(p => p.Offset).ToList();
        bool overlapping = ordered.Zip(ordered.Skip(1)).Any(pair => pair.First.Offset + pair.First.Value.shape[^1] > pair.Second.Offset);
        if (overlapping)
        {
            return Parts.Select(p => With([p], Size).Materialize()).Aggregate((a, b) => a + b);
        }
        var pieces = new List<Tensor>();
        long at = 0;
        foreach (var part in ordered)
        {
            if (part.Offset > at) pieces.Add(ZeroBlock(part.Offset - at));
            pieces.Add(part.Value);
            at = part.Offset + part.Value.shape[^1];
        }
        if (at < Size) pieces.Add(ZeroBlock(Size - at));
        return pieces.Count == 1 ? pieces[0] : cat(pieces, -1);
    }

    /// <summary>
    /// <c>x Wᵀ + b</c> over the last axis, from the parts' column blocks of <paramref name="weight"/> only: the parts
    /// side by side times those columns gathered, one matrix product (one product per part would cost a
    /// full-size weight gradient per part in backward).
    /// </summary>
    private Tensor Linear(Tensor weight, Tensor? bias)
    {
        switch (Parts.Count)
        {
            case 0:
                long[] shape = [.. leadingShape, weight.shape[0]];
                return bias is null ? ConstantCache.Zeros(shape, Dtype, Device) : bias.expand(shape);
            case 1:
                var part = Parts[0];
                return nn.functional.linear(part.Value, weight.narrow(1, part.Offset, part.Value.shape[^1]), bias);
            default:
                // Not cached: sampled paths lay their parts out in too many ways.
                var columns = tensor(Parts.SelectMany(p => Enumerable.Range(0, (int)p.Value.shape[^1]).Select(i => p.Offset + i)).ToArray(), int64, Device);
                return nn.functional.linear(cat(Parts.Select(p => p.Value).ToArray(), -1), weight.index_select(1, columns), bias);
        }
    }

    public Tensor Linear(Linear linear) => Linear(linear, 0, linear.weight!.shape[0]);

    /// <summary>The first <paramref name="outputs"/> outputs of <paramref name="linear"/> only.</summary>
    public Tensor Linear(Linear linear, long outputs) => Linear(linear, 0, outputs);

    /// <summary>
    /// Outputs <c>[firstOutput, firstOutput + outputs)</c> of <paramref name="linear"/> only. When recording with
    /// <see cref="Slices"/>, the weight's gradient comes as one block per stretch of columns the parts cover.
    /// </summary>
    public Tensor Linear(Linear linear, long firstOutput, long outputs)
    {
        var weight = linear.weight!;
        var bias = linear.bias?.narrow(0, firstOutput, outputs);
        if (Slices is null || Parts.Count == 0 || !weight.requires_grad || !is_grad_enabled()) return Linear(weight.narrow(0, firstOutput, outputs), bias);
        var blocks = CoveredColumns().Select(c => (c.Start, Columns: Slices.Block(weight, firstOutput, outputs, c.Start, c.Length))).ToList();
        Tensor Columns(ZeroPaddedPart part)
        {
            var (start, columns) = blocks.Last(b => b.Start <= part.Offset);
            return columns.narrow(1, part.Offset - start, part.Value.shape[^1]);
        }
        if (Parts is [var only]) return nn.functional.linear(only.Value, Columns(only), bias);
        return nn.functional.linear(cat(Parts.Select(p => p.Value).ToArray(), -1), cat(Parts.Select(Columns).ToArray(), 1), bias);
    }

    /// <summary>The stretches of the last axis the parts cover, overlapping and touching parts merged, in order.</summary>
    private List<(long Start, long Length)> CoveredColumns()
    {
        var covered = new List<(long Start, long Length)>();
        foreach (var part in Parts.OrderBy(p => p.Offset))
        {
            long end = part.Offset + part.Value.shape[^1];
            if (covered.Count > 0 && part.Offset <= covered[^1].Start + covered[^1].Length)
            {
                var last = covered[^1];
                covered[^1] = (last.Start, Math.Max(last.Length, end - last.Start));
            }
            else covered.Add((part.Offset, end - part.Offset));
        }
        return covered;
    }

    private Tensor ZeroBlock(long length) => ConstantCache.Zeros([.. leadingShape, length], Dtype, Device);
}

/// <summary>A non-zero stretch of a <see cref="ZeroPadded"/> tensor: its values start at <paramref name="Offset"/> of the last axis.</summary>
public readonly record struct ZeroPaddedPart(long Offset, Tensor Value);
