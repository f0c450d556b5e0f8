using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// Builds the runtime module an <see cref="OperatorTraits"/> row names, with its constructor
/// arguments (the generator emits the same constructor calls).
/// </summary>
public static class OperatorFactory
{
    public static nn.Module Create(OperatorModule module, bool layerNorm, Activation activation)
    {
        var s = module.Sizes;
        return module.Type switch
        {
            nameof(FcOperator) => new FcOperator(s[0], s[1], layerNorm, activation),
            nameof(DotProductOperator) => new DotProductOperator(s[0], s[1], s[2], s[3], layerNorm),
            nameof(SumOperator) => new SumOperator(s[0], s[1], s[2], layerNorm),
            nameof(SigmoidGatingOperator) => new SigmoidGatingOperator(s[0], s[1], s[2], layerNorm),
            nameof(DenseZeros) => new DenseZeros(s[0]),
            nameof(TransformerOperator) => new TransformerOperator(s[0], s[1], s[2], layerNorm),
            nameof(EfcOperator) => new EfcOperator(s[0], s[1], layerNorm, activation),
            nameof(SparseZeros) => new SparseZeros(s[0], s[1]),
            nameof(FactorizationMachine) => new FactorizationMachine(s[0], s[1], layerNorm),
            nameof(DenseToSparseMerger) => new DenseToSparseMerger(s[0], s[1], layerNorm),
            _ => throw new ArgumentException($"No runtime operator module is named '{module.Type}'.", nameof(module)),
        };
    }
}
