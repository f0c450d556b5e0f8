using NasRec.Dsl.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// EFC (<c>linear-3d</c>) in fixed mode: a linear over the token axis (N→s) shared across embedding coordinates,
/// LayerNorm over the s tokens when on, then the activation. <c>[B, N, E]</c> → <c>[B, s, E]</c>.
/// </summary>
public sealed class EfcOperator : nn.Module<Tensor, Tensor>, IElasticOperator, IReferenceFormulation
{
    private readonly Linear linear;
    private readonly LayerNorm? norm;
    private readonly Activation activation;

    public EfcOperator(long inTokens, long tokens, bool layerNorm, Activation activation) : base(nameof(EfcOperator))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        linear = nn.Linear(inTokens, tokens, hasBias: !layerNorm);
        norm = LayerNorms.CreateIf(layerNorm, tokens);
        this.activation = activation;
        RegisterComponents();
    }

    /// <summary>Projects through transposed tokens, as the reference does, instead of one batched product.</summary>
    public bool ReferenceFormulation { get; set; }

    public override Tensor forward(Tensor sparseIn)
    {
        using var scope = NewDisposeScope();
        // The activation is element-wise, so applying it after transposing back equals applying it after the LN.
        var projected = TokenAxis.Project(linear, norm, sparseIn, ReferenceFormulation);
        return Activations.Apply(activation, projected).MoveToOuterDisposeScope();
    }

    public Tensor Forward(ElasticInputs inputs)
    {
        using var scope = NewDisposeScope();
        var projected = TokenAxis.ProjectTransposed(linear, norm, inputs.Tokens, inputs.ComputedTokens(linear.weight!.shape[0]));
        return Activations.Apply(activation, projected).MoveToOuterDisposeScope();
    }
}
