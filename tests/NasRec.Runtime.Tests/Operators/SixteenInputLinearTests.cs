using System.Runtime.Intrinsics.X86;
using NasRec.Runtime.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class SixteenInputLinearTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(7, 48)]
    [InlineData(130, 16)]   // rows past one pass of 128
    [InlineData(2000, 48)]  // passes on every thread
    public void TheLinearMatchesLibTorchsInOutputsAndGradients(long tokens, long units)
    {
        // Without AVX-512 the attention runs libtorch's linear, which SelfAttentionTests cover.
        if (!Avx512F.IsSupported) return;
        using var scope = NewDisposeScope();
        // A generator of its own: the global one is shared with the tests running beside this one.
        using var generator = new Generator(19);
        var input = randn(new long[] { 2, tokens, 16 }, generator: generator);
        var weight = randn(new long[] { units, 16 }, generator: generator);
        var bias = randn(new long[] { units }, generator: generator);
        var projection = randn(new long[] { 2, tokens, units }, generator: generator);

        Assert.True(SixteenInputLinear.Serves(input, weight));
        var (output, gradients) = Run(SixteenInputLinear.Apply, input, weight, bias, projection);
        // The reference in double precision: the gradients sum thousands of rows.
        var (expected, expectedGradients) = Run(nn.functional.linear, input.to(float64), weight.to(float64), bias.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        for (int i = 0; i < gradients.Length; i++)
            OperatorAssert.Close(expectedGradients[i].to(float32), gradients[i], 1e-5 * Scale(expectedGradients[i]));
    }

    [Fact]
    public void TheLinearServesOnlyFloatRowsOfSixteenIntoWholeRegisters()
    {
        using var scope = NewDisposeScope();
        Assert.False(SixteenInputLinear.Serves(zeros(3, 16, dtype: float64), zeros(16, 16, dtype: float64)));
        Assert.False(SixteenInputLinear.Serves(zeros(3, 32), zeros(16, 32)));
        Assert.False(SixteenInputLinear.Serves(zeros(3, 16), zeros(24, 16)));
        Assert.Equal(Avx512F.IsSupported, SixteenInputLinear.Serves(zeros(3, 16), zeros(48, 16)));
    }

    private static double Scale(Tensor tensor) => Math.Max(1, tensor.abs().max().ToDouble());

    /// <summary>The output and the gradients of input, weight and bias under a fixed projection of the output.</summary>
    private static (Tensor Output, Tensor[] Gradients) Run(Func<Tensor, Tensor, Tensor, Tensor> linear, Tensor input, Tensor weight, Tensor bias, Tensor projection)
    {
        Tensor[] leaves = [input.detach().requires_grad_(), weight.detach().requires_grad_(), bias.detach().requires_grad_()];
        var output = linear(leaves[0], leaves[1], leaves[2]);
        (output * projection).sum().backward();
        return (output.detach(), leaves.Select(leaf => leaf.grad!.clone()).ToArray());
    }
}
