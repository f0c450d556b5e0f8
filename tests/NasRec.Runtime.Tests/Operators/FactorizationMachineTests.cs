using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class FactorizationMachineTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FactorizationMachineMapsTokensToTheChosenWidth(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var fm = new FactorizationMachine(16, 64, layerNorm);
        OperatorAssert.Shape(fm.call(randn(4, 26, 16)), 4, 64);
    }

    [Fact]
    public void FactorizationMachineIsSquareOfSumMinusSumOfSquaresWithoutTheHalf()
    {
        using var scope = NewDisposeScope();
        using var fm = new FactorizationMachine(3, 3, false);
        var sparse = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).view(1, 2, 3);
        // (1+4)² − (1+16) = 8, (2+5)² − (4+25) = 20, (3+6)² − (9+36) = 36.
        OperatorAssert.Close(tensor(new float[] { 8, 20, 36 }).view(1, 3), fm.call(sparse), 0);
    }

    [Theory]
    [InlineData(64, false, 16 * 64 + 64)]
    [InlineData(64, true, 16 * 64 + 2 * 64)]
    [InlineData(16, false, 0)]
    [InlineData(16, true, 0)]
    public void FactorizationMachineParameterCountMatchesTheClosedForm(long width, bool layerNorm, long expected)
    {
        using var fm = new FactorizationMachine(16, width, layerNorm);
        OperatorAssert.ParameterCount(fm, expected);
    }

    [Theory]
    [InlineData(64, false, new[] { "projection.weight", "projection.bias" })]
    [InlineData(64, true, new[] { "projection.weight", "norm.weight", "norm.bias" })]
    [InlineData(16, true, new string[0])]
    public void FactorizationMachineStateNamesFollowTheBiasRule(long width, bool layerNorm, string[] expected)
    {
        using var fm = new FactorizationMachine(16, width, layerNorm);
        OperatorAssert.StateKeys(fm, expected);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FactorizationMachineGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var fm = new FactorizationMachine(16, 64, layerNorm);
        OperatorAssert.GradientsReachEveryParameter(fm, fm.call(randn(4, 26, 16)));
    }
}
