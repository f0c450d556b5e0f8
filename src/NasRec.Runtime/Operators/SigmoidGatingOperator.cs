using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Sigmoid gating in fixed mode: both dense inputs are zero-padded to the wider width W,
/// <c>sigmoid(gate(left)) ⊙ right</c>, projected to d when W ≠ d, then LayerNorm when on. No activation.
/// Unlike the other operators, the gate and the projection always have a bias.
/// </summary>
public sealed class SigmoidGatingOperator : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear gate;
    private readonly Linear? projection;
    private readonly LayerNorm? norm;
    private readonly long paddedWidth;

    public SigmoidGatingOperator(long leftWidth, long rightWidth, long width, bool layerNorm)
        : base(nameof(SigmoidGatingOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leftWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rightWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        paddedWidth = Math.Max(leftWidth, rightWidth);
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
}
