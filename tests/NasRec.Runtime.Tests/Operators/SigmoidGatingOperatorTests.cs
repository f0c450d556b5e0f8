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

    [Theory]
    [InlineData(1, 512, 768)] // Avazu NASRec-Full's last block: one unit gates 512
    [InlineData(48, 5, 16)]
    public void GatingOverOnlyTheInputsPartsEqualsTheGateOverTheZeroPaddedInputsWithGradients(long leftWidth, long rightWidth, long width)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(23);
        using var gating = new SigmoidGatingOperator(leftWidth, rightWidth, width, false);
        var padded = Math.Max(leftWidth, rightWidth);
        var left = randn(new long[] { 4, leftWidth }, generator: generator);
        var right = randn(new long[] { 4, rightWidth }, generator: generator);
        var projection = randn(new long[] { 4, width }, generator: generator);
        var parameters = gating.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        var output = gating.call(left, right);
        (output * projection).sum().backward();
        var gradients = parameters.ToDictionary(p => p.Key, p => p.Value.grad!.clone());
        gating.zero_grad();
        // Spelled out: both inputs padded with zeros to the wider width, the whole gate, the product, the projection.
        var gates = sigmoid(nn.functional.linear(nn.functional.pad(left, [0, padded - leftWidth]), parameters["gate.weight"], parameters["gate.bias"]));
        var gated = gates * nn.functional.pad(right, [0, padded - rightWidth]);
        var expected = parameters.ContainsKey("projection.weight")
            ? nn.functional.linear(gated, parameters["projection.weight"], parameters["projection.bias"])
            : gated;
        (expected * projection).sum().backward();

        OperatorAssert.Close(expected.detach(), output, 1e-5);
        foreach (var (name, gradient) in gradients)
            OperatorAssert.Close(parameters[name].grad!, gradient, 1e-5);
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
