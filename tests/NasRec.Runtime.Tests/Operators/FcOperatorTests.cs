using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class FcOperatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FcMapsDenseInputToTheChosenWidth(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var fc = new FcOperator(13, 64, layerNorm, Activation.Relu);
        OperatorAssert.Shape(fc.call(randn(4, 13)), 4, 64);
    }

    [Theory]
    [InlineData(false, 13 * 64 + 64)]
    [InlineData(true, 13 * 64 + 2 * 64)]
    public void FcParameterCountIsLinearPlusBiasOrLayerNorm(bool layerNorm, long expected)
    {
        using var fc = new FcOperator(13, 64, layerNorm, Activation.Relu);
        OperatorAssert.ParameterCount(fc, expected);
    }

    [Fact]
    public void FcWithoutLayerNormHasABiasedLinear()
    {
        using var fc = new FcOperator(13, 64, false, Activation.Relu);
        OperatorAssert.StateKeys(fc, "linear.weight", "linear.bias");
    }

    [Fact]
    public void FcWithLayerNormDropsTheLinearBias()
    {
        using var fc = new FcOperator(13, 64, true, Activation.Relu);
        OperatorAssert.StateKeys(fc, "linear.weight", "norm.weight", "norm.bias");
    }

    [Fact]
    public void FcAppliesTheActivationAfterTheLayerNorm()
    {
        using var scope = NewDisposeScope();
        using var fc = new FcOperator(5, 8, true, Activation.Relu);
        var input = randn(3, 5);
        var weight = fc.get_parameter("linear.weight")!;
        var expected = nn.functional.relu(nn.functional.layer_norm(input.matmul(weight.t()), [8], null, null, 1e-5));
        OperatorAssert.Close(expected, fc.call(input));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FcGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var fc = new FcOperator(13, 64, layerNorm, Activation.Silu);
        OperatorAssert.GradientsReachEveryParameter(fc, fc.call(randn(4, 13)));
    }
}
