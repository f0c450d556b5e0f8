using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Sigmoid gating: both dense inputs are zero-padded to the wider width W, <c>sigmoid(gate(left)) ⊙ right</c>,
/// projected to d when W ≠ d, then LayerNorm when on. No activation. Unlike the other operators, the gate and the
/// projection always have a bias.
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
        return Gate(Padded(left), Padded(right), width).MoveToOuterDisposeScope();
    }

    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        return Gate(inputs.Left, inputs.Right, inputs.ComputedWidth(width)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The first <paramref name="units"/> outputs. Where the right input is zero the gated product is zero, so only the
    /// gates of the right input's parts are computed: those rows of the gate's weight, times the left input's parts'
    /// columns (a fixed model's narrower input is such a part: Avazu NASRec-Full's last block gates 768 units by one).
    /// </summary>
    private Tensor Gate(ZeroPadded left, ZeroPadded right, long units)
    {
        var products = right.Parts.Select(part =>
        {
            var gates = sigmoid(left.Linear(gate, part.Offset, part.Value.shape[^1]));
            return part with { Value = gates * part.Value };
        }).ToList();
        var gated = right.With(products, paddedWidth);
        var result = projection is null ? gated.Materialize().narrow(-1, 0, units) : gated.Linear(projection, units);
        return LayerNorms.ApplyOver(norm, result, units);
    }

    /// <summary>A dense input as the first units of the padded width.</summary>
    private ZeroPadded Padded(Tensor dense) =>
        new(dense.shape[..^1], paddedWidth, [new ZeroPaddedPart(0, dense)], dense.dtype, dense.device);
}
