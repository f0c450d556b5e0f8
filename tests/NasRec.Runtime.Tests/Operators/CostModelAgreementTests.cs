using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

/// <summary>The built modules hold exactly the parameters the DSL's cost model counts.</summary>
public sealed class CostModelAgreementTests
{
    private const int E = 16;

    public static TheoryData<int, bool> Widths()
    {
        var data = new TheoryData<int, bool>();
        foreach (var width in new[] { 16, 32, 64, 128, 256, 512, 768, 1024 })
            foreach (var layerNorm in new[] { false, true })
                data.Add(width, layerNorm);
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DenseOperatorParameterCountsAgreeWithTheCostModel(int width, bool layerNorm)
    {
        const int inWidth = 1037, inTokens = 98;
        AssertCount(new FcOperator(inWidth, width, layerNorm, Activation.Relu), OperatorCosts.Fc(inWidth, width, layerNorm));
        AssertCount(new DotProductOperator(inWidth, inTokens, width, E, layerNorm),
            OperatorCosts.DotProduct(inWidth, inTokens, width, E, layerNorm));
        AssertCount(new SumOperator(13, 256, width, layerNorm), OperatorCosts.Sum(13, 256, width, layerNorm));
        AssertCount(new SigmoidGatingOperator(256, 13, width, layerNorm),
            OperatorCosts.SigmoidGating(256, 13, width, layerNorm));
        AssertCount(new FactorizationMachine(E, width, layerNorm), OperatorCosts.Fm(width, E, layerNorm));
        AssertCount(new DenseToSparseMerger(width, E, layerNorm), OperatorCosts.DenseToSparse(width, E, layerNorm));
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(48, true)]
    [InlineData(64, false)]
    public void SparseOperatorParameterCountsAgreeWithTheCostModel(int tokens, bool layerNorm)
    {
        const int inTokens = 98;
        AssertCount(new EfcOperator(inTokens, tokens, layerNorm, Activation.Relu),
            OperatorCosts.Efc(inTokens, tokens, E, layerNorm));
        AssertCount(new TransformerOperator(inTokens, tokens, E, layerNorm),
            OperatorCosts.Transformer(inTokens, tokens, E, layerNorm));
    }

    private static void AssertCount(nn.Module module, (long Parameters, long Flops) cost)
    {
        using (module) OperatorAssert.ParameterCount(module, cost.Parameters);
    }
}
