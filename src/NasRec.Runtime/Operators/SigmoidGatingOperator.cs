using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Sigmoid gating in fixed mode: both dense inputs are zero-padded to the wider width W,
/// <c>sigmoid(gate(left)) ⊙ right</c>, projected to d when W ≠ d, then LayerNorm when on. No activation.
/// Unlike the other operators, the gate and the projection always have a bias.
/// </summary>
public sealed class SigmoidGatingOperator : nn.Module<Tensor, Tensor, Tensor>, IElasticOperator
{
    private readonly Linear gate;
    private readonly Linear? projection;
    private readonly LayerNorm? norm;
    private readonly long paddedWidth;
    private readonly long width;

    public SigmoidGatingOperator(long leftWidth, long rightWidth, long width, bool layerNorm)
        : base(nameof(SigmoidGatingOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leftWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rightWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        paddedWidth = Math.Max(leftWidth, rightWidth);
        this.width = width;
        gate = nn.Linear(paddedWidth, paddedWidth, hasBias: true);
        if (paddedWidth != width) projection = nn.Linear(paddedWidth, width, hasBias: true);
        norm = LayerNorms.CreateIf(layerNorm, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor left, Tensor right)
    {
        using var scope = NewDisposeScope();
        var gates = sigmoid(gate.call(ZeroPadding.PadRight(left, paddedWidth)));
        var result = gates * ZeroPadding.PadRight(right, paddedWidth);
        if (projection is not null) result = projection.call(result);
        if (norm is not null) result = norm.call(result);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Where the right input is zero the gated product is zero, so only the gates of the right input's parts
    /// are computed: those rows of the gate's weight, times the left input's parts' columns.
    /// </summary>
    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        var products = inputs.Right.Parts.Select(part =>
        {
            long units = part.Value.shape[^1];
            var gates = sigmoid(inputs.Left.Linear(gate, part.Offset, units));
            return part with { Value = gates * part.Value };
        }).ToList();
        var gated = inputs.Right.With(products, paddedWidth);
        long units = inputs.ComputedWidth(width);
        var result = projection is null ? gated.Materialize().narrow(-1, 0, units) : gated.Linear(projection, units);
        return LayerNorms.ApplyOver(norm, result, units).MoveToOuterDisposeScope();
    }
}
