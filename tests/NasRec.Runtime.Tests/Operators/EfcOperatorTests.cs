using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class EfcOperatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EfcMapsTokensToTheChosenTokenCount(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var efc = new EfcOperator(26, 48, layerNorm, Activation.Relu);
        OperatorAssert.Shape(efc.call(randn(4, 26, 16)), 4, 48, 16);
    }

    [Theory]
    [InlineData(false, 26 * 48 + 48)]
    [InlineData(true, 26 * 48 + 2 * 48)]
    public void EfcParameterCountIsTokenLinearPlusBiasOrLayerNorm(bool layerNorm, long expected)
    {
        using var efc = new EfcOperator(26, 48, layerNorm, Activation.Relu);
        OperatorAssert.ParameterCount(efc, expected);
    }

    [Theory]
    [InlineData(false, new[] { "linear.weight", "linear.bias" })]
    [InlineData(true, new[] { "linear.weight", "norm.weight", "norm.bias" })]
    public void EfcStateNamesFollowTheBiasRule(bool layerNorm, string[] expected)
    {
        using var efc = new EfcOperator(26, 48, layerNorm, Activation.Relu);
        OperatorAssert.StateKeys(efc, expected);
    }

    [Fact]
    public void EfcMixesTokensPerEmbeddingCoordinateAndNormalizesOverTokens()
    {
        using var scope = NewDisposeScope();
        using var efc = new EfcOperator(5, 3, true, Activation.Identity);
        var input = randn(2, 5, 4);
        var weight = efc.get_parameter("linear.weight")!;
        // [B, N, E] → per coordinate e: LN over the 3 outputs of weight · input[:, :, e].
        var mixed = einsum("sn,bne->bes", weight, input);
        var expected = nn.functional.layer_norm(mixed, [3], null, null, 1e-5).transpose(1, 2);
        OperatorAssert.Close(expected, efc.call(input));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EfcWithoutLayerNormEqualsTheLinearOverTransposedTokensInOutputAndEveryGradient(bool referenceFormulation)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var efc = new EfcOperator(26, 48, false, Activation.Relu) { ReferenceFormulation = referenceFormulation };
        var (weight, bias) = (efc.get_parameter("linear.weight")!, efc.get_parameter("linear.bias")!);
        using (no_grad()) bias.normal_();
        var input = randn(8, 26, 16).requires_grad_(true);
        var upstream = randn(8, 48, 16);

        var actual = efc.call(input);
        var actualGradients = autograd.grad([actual], [input, weight, bias], [upstream]);
        var expected = nn.functional.relu(nn.functional.linear(input.transpose(1, 2), weight, bias).transpose(1, 2));
        var expectedGradients = autograd.grad([expected], [input, weight, bias], [upstream]);

        // Ours writes [B, M, E] in place; the reference's hands on a transposed view.
        Assert.Equal(!referenceFormulation, actual.is_contiguous());
        OperatorAssert.Close(expected, actual);
        // The weight's gradient sums 128 products per entry: 1e-5 relative to the largest entry.
        foreach (var (e, a) in expectedGradients.Zip(actualGradients)) OperatorAssert.Close(e, a, 1e-5 * Math.Max(1, e.abs().max().item<float>()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EfcGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var efc = new EfcOperator(26, 48, layerNorm, Activation.Relu);
        OperatorAssert.GradientsReachEveryParameter(efc, efc.call(randn(4, 26, 16)));
    }
}
