using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Sum in fixed mode: both dense inputs are zero-padded on the right to the wider width W and added, then projected
/// to d when W ≠ d, then LayerNorm when on. No activation. <c>([B, l], [B, r])</c> → <c>[B, d]</c>.
/// </summary>
public sealed class SumOperator : nn.Module<Tensor, Tensor, Tensor>, IElasticOperator
{
    private readonly Linear? projection;
    private readonly LayerNorm? norm;
    private readonly long paddedWidth;
    private readonly long width;

    public SumOperator(long leftWidth, long rightWidth, long width, bool layerNorm) : base(nameof(SumOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leftWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rightWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        paddedWidth = Math.Max(leftWidth, rightWidth);
        this.width = width;
        if (paddedWidth != width) projection = nn.Linear(paddedWidth, width, hasBias: !layerNorm);
        norm = LayerNorms.CreateIf(layerNorm, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor left, Tensor right)
    {
        using var scope = NewDisposeScope();
        var result = ZeroPadding.PadRight(left, paddedWidth).Plus(ZeroPadding.PadRight(right, paddedWidth));
        if (projection is not null) result = projection.call(result);
        if (norm is not null) result = norm.call(result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The projection of left + right is the sum of each part's columns (left and right may be the same input).</summary>
    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        var sum = inputs.Left.Plus(inputs.Right);
        long units = inputs.ComputedWidth(width);
        var result = projection is null ? sum.Materialize().narrow(-1, 0, units) : sum.Linear(projection, units);
        return LayerNorms.ApplyOver(norm, result, units).MoveToOuterDisposeScope();
    }
}
