using NasRec.Dsl.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// FC (<c>linear-2d</c>) in fixed mode: <c>act(LN(Linear(in→d)(dense)))</c> on <c>[B, in]</c>, giving <c>[B, d]</c>.
/// The linear has a bias only without layer norm.
/// </summary>
public sealed class FcOperator : nn.Module<Tensor, Tensor>, IElasticOperator
{
    private readonly Linear linear;
    private readonly LayerNorm? norm;
    private readonly Activation activation;

    public FcOperator(long inWidth, long width, bool layerNorm, Activation activation) : base(nameof(FcOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        linear = nn.Linear(inWidth, width, hasBias: !layerNorm);
        norm = LayerNorms.CreateIf(layerNorm, width);
        this.activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor denseIn)
    {
        using var scope = NewDisposeScope();
        var output = linear.call(denseIn);
        if (norm is not null) output = norm.call(output);
        return Activations.Apply(activation, output).MoveToOuterDisposeScope();
    }

    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        long units = inputs.ComputedWidth(linear.weight!.shape[0]);
        var output = LayerNorms.ApplyOver(norm, inputs.Dense.Linear(linear, units), units);
        return Activations.Apply(activation, output).MoveToOuterDisposeScope();
    }
}
