using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class DenseToSparseMergerTests
{
    [Theory]
    [InlineData(64, false)]
    [InlineData(64, true)]
    [InlineData(128, false)]
    [InlineData(128, true)]
    public void MergerTurnsTheDenseOutputIntoEightTokens(long width, bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var merger = new DenseToSparseMerger(width, 16, layerNorm);
        OperatorAssert.Shape(merger.call(randn(4, width)), 4, 8, 16);
    }

    [Theory]
    [InlineData(64, false, 64 * 128 + 128)]
    [InlineData(64, true, 64 * 128 + 2 * 128)]
    [InlineData(128, false, 0)]
    [InlineData(128, true, 0)]
    public void MergerParameterCountMatchesTheClosedForm(long width, bool layerNorm, long expected)
    {
        using var merger = new DenseToSparseMerger(width, 16, layerNorm);
        OperatorAssert.ParameterCount(merger, expected);
    }

    [Theory]
    [InlineData(64, false, new[] { "projection.weight", "projection.bias" })]
    [InlineData(64, true, new[] { "projection.weight", "norm.weight", "norm.bias" })]
    [InlineData(128, true, new string[0])]
    public void MergerStateNamesFollowTheBiasRule(long width, bool layerNorm, string[] expected)
    {
        using var merger = new DenseToSparseMerger(width, 16, layerNorm);
        OperatorAssert.StateKeys(merger, expected);
    }

    [Fact]
    public void MergerAtEightEmbeddingsWideIsAViewOfTheDenseOutput()
    {
        using var scope = NewDisposeScope();
        using var merger = new DenseToSparseMerger(128, 16, true);
        using Scalar start = 0.ToScalar(), stop = (2 * 128).ToScalar();
        var dense = arange(start, stop, Scalars.One, dtype: float32).view(2, 128);
        var tokens = merger.call(dense);
        OperatorAssert.Close(dense.view(2, 8, 16), tokens, 0);

        // The reference's aliasing: a later in-place addition to the dense output reaches the tokens.
        dense.add_(Scalars.One, alpha: Scalars.One);
        OperatorAssert.Close(dense.view(2, 8, 16), tokens, 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MergerGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var merger = new DenseToSparseMerger(64, 16, layerNorm);
        OperatorAssert.GradientsReachEveryParameter(merger, merger.call(randn(4, 64)));
    }
}
