using System.Runtime.Intrinsics.X86;
using NasRec.Runtime.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class PairwiseDotsTests
{
    [Theory]
    [InlineData(1, 1)]    // one token: no pairs
    [InlineData(3, 2)]    // one pair
    [InlineData(5, 9)]    // the Full models' dense token and 8 sparse ones; an odd row length
    [InlineData(300, 46)] // the widest of the released spaces (k = 45 beside the dense token), rows on every thread
    [InlineData(2, 260)]  // rows of 17 registers of tokens, with their pairs on the heap
    public void ThePairsAndTheTokensGradientsMatchLibTorchsComposition(long rows, long tokens)
    {
        // Without AVX-512 the dot product runs libtorch's composition, which DotProductOperatorTests cover.
        if (!Avx512F.IsSupported) return;
        using var scope = NewDisposeScope();
        // A generator of its own: the global one is shared with the tests running beside this one.
        using var generator = new Generator(23);
        var input = randn(new long[] { rows, tokens, 16 }, generator: generator);
        var positions = Positions(tokens);
        var projection = randn(new long[] { rows, tokens * (tokens - 1) / 2 }, generator: generator);

        Assert.True(PairwiseDots.Serves(input));
        var (pairs, gradient) = Run(PairwiseDots.Apply, input, projection);
        // The reference in double precision.
        var (expected, expectedGradient) = Run(tokens => PairwiseDots.Select(tokens, positions), input.to(float64), projection.to(float64));

        Assert.Equal(expected.shape, pairs.shape);
        if (expected.numel() > 0) OperatorAssert.Close(expected.to(float32), pairs, 1e-5 * Scale(expected));
        OperatorAssert.Close(expectedGradient.to(float32), gradient, 1e-5 * Scale(expectedGradient));
    }

    [Fact]
    public void WithoutGradientsTheFusedForwardGivesThePairs()
    {
        if (!Avx512F.IsSupported) return;
        using var scope = NewDisposeScope();
        using var generator = new Generator(29);
        // Past a register of tokens, over a strided view (made contiguous first).
        var input = randn(new long[] { 5, 16, 33 }, generator: generator).transpose(1, 2);
        using (no_grad())
        {
            var pairs = PairwiseDots.Apply(input.requires_grad_());
            Assert.False(pairs.requires_grad);
            OperatorAssert.Close(PairwiseDots.Select(input.to(float64), Positions(33)).to(float32), pairs, 1e-5 * Scale(pairs));
        }
    }

    [Fact]
    public void TheFusedBackwardServesOnlyFloatRowsOfSixteenWideTokens()
    {
        using var scope = NewDisposeScope();
        Assert.False(PairwiseDots.Serves(zeros(3, 4, 16, dtype: float64)));
        Assert.False(PairwiseDots.Serves(zeros(3, 4, 8)));
        Assert.False(PairwiseDots.Serves(zeros(4, 16)));
        Assert.Equal(Avx512F.IsSupported, PairwiseDots.Serves(zeros(3, 4, 16)));
    }

    /// <summary>The strictly lower triangle's flat positions in an <c>[n, n]</c> matrix, row by row.</summary>
    private static Tensor Positions(long n)
    {
        var rowsAndColumns = tril_indices(n, n, -1);
        return rowsAndColumns[0] * n + rowsAndColumns[1];
    }

    private static double Scale(Tensor tensor) => Math.Max(1, tensor.abs().max().ToDouble());

    /// <summary>The pairs and the tokens' gradient under a fixed projection of the pairs.</summary>
    private static (Tensor Pairs, Tensor Gradient) Run(Func<Tensor, Tensor> pairsOf, Tensor input, Tensor projection)
    {
        var leaf = input.detach().requires_grad_();
        var pairs = pairsOf(leaf);
        (pairs * projection).sum().backward();
        return (pairs.detach(), leaf.grad!.clone());
    }
}
