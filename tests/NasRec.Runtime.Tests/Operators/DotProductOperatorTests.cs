using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class DotProductOperatorTests
{
    [Theory]
    [InlineData(16, 6)]
    [InlineData(32, 8)]
    [InlineData(64, 11)]
    [InlineData(128, 16)]
    [InlineData(256, 23)]
    [InlineData(512, 32)]
    [InlineData(768, 39)]
    [InlineData(1024, 45)]
    public void DotProductTokenCountIsRoundedSquareRootOfTwiceTheWidth(long width, long expected) =>
        Assert.Equal(expected, DotProductOperator.TokenCount(width));

    [Theory]
    [InlineData(6, 21)]
    [InlineData(11, 66)]
    [InlineData(45, 1035)]
    public void DotProductPairCountIsKTimesKPlusOneOverTwo(long tokens, long expected) =>
        Assert.Equal(expected, DotProductOperator.PairCount(tokens));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DotProductMapsDenseAndSparseInputsToTheChosenWidth(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var dotProduct = new DotProductOperator(13, 26, 64, 16, layerNorm);
        OperatorAssert.Shape(dotProduct.call(randn(4, 13), randn(4, 26, 16)), 4, 64);
    }

    [Theory]
    // Dense projection 13→16, token projection 26→11, output 66→64.
    [InlineData(13, 26, 64, false, 13 * 16 + 16 + 26 * 11 + 11 + 66 * 64 + 64)]
    [InlineData(13, 26, 64, true, 13 * 16 + 2 * 16 + 26 * 11 + 2 * 11 + 66 * 64 + 2 * 64)]
    // Dense already 16 wide and 6 tokens for d = 16: only the output linear 21→16.
    [InlineData(16, 6, 16, false, 21 * 16 + 16)]
    [InlineData(16, 6, 16, true, 21 * 16 + 2 * 16)]
    public void DotProductParameterCountMatchesTheClosedForm(
        long denseWidth, long inTokens, long width, bool layerNorm, long expected)
    {
        using var dotProduct = new DotProductOperator(denseWidth, inTokens, width, 16, layerNorm);
        OperatorAssert.ParameterCount(dotProduct, expected);
    }

    [Fact]
    public void DotProductWithProjectionsAndLayerNormHasEveryNamedState()
    {
        using var dotProduct = new DotProductOperator(13, 26, 64, 16, true);
        OperatorAssert.StateKeys(dotProduct,
            "dense_projection.weight", "dense_norm.weight", "dense_norm.bias",
            "token_projection.weight", "token_norm.weight", "token_norm.bias",
            "output.weight", "output_norm.weight", "output_norm.bias");
    }

    [Fact]
    public void DotProductWithoutLayerNormHasBiasedProjections()
    {
        using var dotProduct = new DotProductOperator(13, 26, 64, 16, false);
        OperatorAssert.StateKeys(dotProduct,
            "dense_projection.weight", "dense_projection.bias",
            "token_projection.weight", "token_projection.bias",
            "output.weight", "output.bias");
    }

    [Fact]
    public void DotProductSkipsProjectionsWhoseShapesAlreadyMatch()
    {
        using var dotProduct = new DotProductOperator(16, 6, 16, 16, false);
        OperatorAssert.StateKeys(dotProduct, "output.weight", "output.bias");
    }

    [Fact]
    public void DotProductKeepsTheStrictLowerTriangleOfTheGramMatrixRowMajor()
    {
        using var scope = NewDisposeScope();
        // Width 6 gives k = round(√12) = 3 tokens and 6 pairs, so an identity output linear exposes the pairs.
        using var dotProduct = new DotProductOperator(2, 3, 6, 2, false);
        OperatorAssert.SetParameter(dotProduct, "output.weight", eye(6));
        OperatorAssert.SetParameter(dotProduct, "output.bias", zeros(6));
        var dense = tensor(new float[] { 1, 2 }).view(1, 2);
        var sparse = tensor(new float[] { 3, 4, 5, 6, 7, 8 }).view(1, 3, 2);

        // T = [[1,2],[3,4],[5,6],[7,8]]: pairs (1,0), (2,0), (2,1), (3,0), (3,1), (3,2) in that order;
        // the diagonal (5, 25, 61, 113) is excluded.
        var expected = tensor(new float[] { 11, 17, 39, 23, 53, 83 }).view(1, 6);
        OperatorAssert.Close(expected, dotProduct.call(dense, sparse), 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DotProductGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var dotProduct = new DotProductOperator(13, 26, 64, 16, layerNorm);
        OperatorAssert.GradientsReachEveryParameter(dotProduct, dotProduct.call(randn(4, 13), randn(4, 26, 16)));
    }
}
