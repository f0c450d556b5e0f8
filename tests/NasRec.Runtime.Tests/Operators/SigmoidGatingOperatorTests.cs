using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class SigmoidGatingOperatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GatingMapsBothInputsToTheChosenWidth(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var gating = new SigmoidGatingOperator(13, 64, 32, layerNorm);
        OperatorAssert.Shape(gating.call(randn(4, 13), randn(4, 64)), 4, 32);
    }

    [Fact]
    public void GatingZeroPadsANarrowerLeftInputBeforeTheGate()
    {
        using var scope = NewDisposeScope();
        using var gating = IdentityGate(2, 3);
        var left = tensor(new float[] { 1, 2 }).view(1, 2);
        var right = tensor(new float[] { 10, 20, 30 }).view(1, 3);
        var expected = sigmoid(tensor(new float[] { 1, 2, 0 })).mul(tensor(new float[] { 10, 20, 30 })).view(1, 3);
        OperatorAssert.Close(expected, gating.call(left, right));
    }

    [Fact]
    public void GatingZeroPadsANarrowerRightInputBeforeTheProduct()
    {
        using var scope = NewDisposeScope();
        using var gating = IdentityGate(3, 2);
        var left = tensor(new float[] { 1, 2, 3 }).view(1, 3);
        var right = tensor(new float[] { 10, 20 }).view(1, 2);
        var expected = sigmoid(tensor(new float[] { 1, 2, 3 })).mul(tensor(new float[] { 10, 20, 0 })).view(1, 3);
        OperatorAssert.Close(expected, gating.call(left, right));
    }

    [Theory]
    [InlineData(13, 64, 32, false, 64 * 64 + 64 + 64 * 32 + 32)]
    [InlineData(13, 64, 32, true, 64 * 64 + 64 + 64 * 32 + 32 + 2 * 32)]
    [InlineData(13, 64, 64, false, 64 * 64 + 64)]
    [InlineData(13, 64, 64, true, 64 * 64 + 64 + 2 * 64)]
    public void GatingParameterCountMatchesTheClosedForm(
        long leftWidth, long rightWidth, long width, bool layerNorm, long expected)
    {
        using var gating = new SigmoidGatingOperator(leftWidth, rightWidth, width, layerNorm);
        OperatorAssert.ParameterCount(gating, expected);
    }

    [Fact]
    public void GatingLinearsKeepTheirBiasesEvenWithLayerNorm()
    {
        using var gating = new SigmoidGatingOperator(13, 64, 32, true);
        OperatorAssert.StateKeys(gating,
            "gate.weight", "gate.bias", "projection.weight", "projection.bias", "norm.weight", "norm.bias");
    }

    [Fact]
    public void GatingAtTheChosenWidthWithoutLayerNormHasOnlyTheGate()
    {
        using var gating = new SigmoidGatingOperator(13, 64, 64, false);
        OperatorAssert.StateKeys(gating, "gate.weight", "gate.bias");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GatingGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var gating = new SigmoidGatingOperator(13, 64, 32, layerNorm);
        OperatorAssert.GradientsReachEveryParameter(gating, gating.call(randn(4, 13), randn(4, 64)));
    }

    /// <summary>A gate whose linear is the identity, so the output is <c>sigmoid(left) ⊙ right</c> after padding.</summary>
    private static SigmoidGatingOperator IdentityGate(long leftWidth, long rightWidth)
    {
        var width = Math.Max(leftWidth, rightWidth);
        var gating = new SigmoidGatingOperator(leftWidth, rightWidth, width, false);
        OperatorAssert.SetParameter(gating, "gate.weight", eye(width));
        OperatorAssert.SetParameter(gating, "gate.bias", zeros(width));
        return gating;
    }
}
