using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class SumOperatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SumMapsBothInputsToTheChosenWidth(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var sum = new SumOperator(13, 64, 32, layerNorm);
        OperatorAssert.Shape(sum.call(randn(4, 13), randn(4, 64)), 4, 32);
    }

    [Fact]
    public void SumZeroPadsTheNarrowerInputOnTheRight()
    {
        using var scope = NewDisposeScope();
        using var sum = new SumOperator(2, 3, 3, false);
        var left = tensor(new float[] { 1, 2 }).view(1, 2);
        var right = tensor(new float[] { 10, 20, 30 }).view(1, 3);
        OperatorAssert.Close(tensor(new float[] { 11, 22, 30 }).view(1, 3), sum.call(left, right), 0);
        OperatorAssert.Close(tensor(new float[] { 11, 22, 30 }).view(1, 3), sum.call(right, left), 0);
    }

    [Theory]
    [InlineData(13, 64, 32, false, 64 * 32 + 32)]
    [InlineData(13, 64, 32, true, 64 * 32 + 2 * 32)]
    [InlineData(13, 64, 64, false, 0)]
    [InlineData(13, 64, 64, true, 2 * 64)]
    public void SumParameterCountMatchesTheClosedForm(
        long leftWidth, long rightWidth, long width, bool layerNorm, long expected)
    {
        using var sum = new SumOperator(leftWidth, rightWidth, width, layerNorm);
        OperatorAssert.ParameterCount(sum, expected);
    }

    [Fact]
    public void SumWithLayerNormHasAnUnbiasedProjection()
    {
        using var sum = new SumOperator(13, 64, 32, true);
        OperatorAssert.StateKeys(sum, "projection.weight", "norm.weight", "norm.bias");
    }

    [Fact]
    public void SumWithoutLayerNormHasABiasedProjection()
    {
        using var sum = new SumOperator(13, 64, 32, false);
        OperatorAssert.StateKeys(sum, "projection.weight", "projection.bias");
    }

    [Fact]
    public void SumAtTheChosenWidthHasNoProjection()
    {
        using var sum = new SumOperator(13, 64, 64, true);
        OperatorAssert.StateKeys(sum, "norm.weight", "norm.bias");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SumGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var sum = new SumOperator(13, 64, 32, layerNorm);
        OperatorAssert.GradientsReachEveryParameter(sum, sum.call(randn(4, 13), randn(4, 64)));
    }
}
