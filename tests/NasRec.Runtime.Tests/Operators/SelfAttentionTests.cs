using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class SelfAttentionTests
{
    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(5, 0.5)]
    [InlineData(16, 0.5)]
    [InlineData(48, 0.5)]
    [InlineData(64, 0.5)]
    [InlineData(37, 2.0)] // logits past 88, where e^x overflows a float: the softmax must subtract its maximum
    public void TwoWideHeadsMatchTheUnfusedAttentionInOutputsAndGradients(long tokens, double weightScale)
    {
        using var scope = NewDisposeScope();
        // A generator of its own: the global one is shared with the tests running beside this one.
        using var generator = new Generator(11);
        using var attention = new SelfAttention(16, 8);
        using (no_grad())
        {
            foreach (var parameter in attention.parameters()) parameter.normal_(0, weightScale, generator);
        }
        var input = randn(6, tokens, 16, generator: generator);
        var projection = randn(6, tokens, 16, generator: generator);

        // The reference runs in double precision: against another float computation, logits in the hundreds would
        // differ by their own rounding.
        using var exact = new SelfAttention(16, 8);
        exact.load_state_dict(attention.state_dict());
        exact.to(float64);

        var (output, gradients) = Run(attention.call, attention, input, projection);
        var (expected, expectedGradients) = Run(x => UnfusedAttention(exact, x), exact, input.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        foreach (var (name, gradient) in expectedGradients)
            OperatorAssert.Close(gradient.to(float32), gradients[name], 1e-5 * Scale(gradient));
    }

    [Theory]
    [InlineData(16, 48)]
    [InlineData(5, 59)]
    [InlineData(63, 1)]
    public void TwoWideHeadsWithOneCountedZeroKeyMatchTheSequenceWithItsZeroTokensInOutputsAndGradients(long tokens, long zeroTokens)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        using var attention = new SelfAttention(16, 8);
        // Nonzero biases: the zero tokens' keys and values are the in-projection's bias.
        using (no_grad())
        {
            foreach (var parameter in attention.parameters()) parameter.normal_(0, 0.5, generator);
        }
        using var exact = new SelfAttention(16, 8);
        exact.load_state_dict(attention.state_dict());
        exact.to(float64);
        var input = randn(6, tokens, 16, generator: generator);
        var projection = randn(6, tokens, 16, generator: generator);

        var (output, gradients) = Run(x => attention.Forward(x, zeroTokens), attention, input, projection);
        var (expected, expectedGradients) = Run(
            x => UnfusedAttention(exact, cat([x, zeros(6, zeroTokens, 16, float64)], 1)).narrow(1, 0, tokens),
            exact, input.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        foreach (var (name, gradient) in expectedGradients)
            OperatorAssert.Close(gradient.to(float32), gradients[name], 1e-5 * Scale(gradient));
    }

    [Theory]
    [InlineData(16, 37, 0)]
    [InlineData(8, 37, 0)]
    [InlineData(4, 37, 0)]
    [InlineData(16, 20, 11)]
    [InlineData(8, 20, 11)]
    [InlineData(4, 20, 11)]
    public void TheKernelAtEveryRegisterWidthMatchesTheUnfusedAttentionInOutputsAndGradients(int lanes, long tokens, long zeroTokens)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(17);
        var qkv = randn(5, tokens, 48, generator: generator);
        var zeroKeyValue = randn(32, generator: generator);
        var projection = randn(5, tokens, 16, generator: generator);

        var (output, gradients) = RunKernel(
            (q, z) => TwoWideHeadAttention.Attend(q, 8, zeroTokens > 0 ? z : null, zeroTokens, lanes), qkv, zeroKeyValue, projection);
        var (expected, expectedGradients) = RunKernel(
            (q, z) => UnfusedHeads(q, z, zeroTokens), qkv.to(float64), zeroKeyValue.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        for (int i = 0; i < (zeroTokens > 0 ? 2 : 1); i++)
            OperatorAssert.Close(expectedGradients[i].to(float32), gradients[i], 1e-5 * Scale(expectedGradients[i]));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(4)]
    public void WhereTheKeysExtentsBoundTheLogitsFarAboveTheirMaximumTheKernelShiftsByTheMaximumItself(int lanes)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(19);
        const long Tokens = 21;
        // Keys (80, −80) and (−80, 80) by turns against queries near (1, 1): the logits stay near 0 while the bound from
        // the keys' extents is about 160 in base 2, so every weight shifted by that bound would be below 2^−150.
        var sign = tensor(Enumerable.Range(0, (int)Tokens).Select(i => i % 2 * 2 - 1f).ToArray()).view(1, Tokens, 1);
        using Scalar extent = 80.ToScalar(), negativeExtent = (-80).ToScalar(), spread = 0.1f.ToScalar();
        var keys = cat([sign.mul(extent), sign.mul(negativeExtent)], 2).repeat(3, 1, 8);
        var queries = randn(3, Tokens, 16, generator: generator).mul(spread).add(Scalars.One, alpha: Scalars.One);
        var qkv = cat([queries, keys, randn(3, Tokens, 16, generator: generator)], 2);
        var projection = randn(3, Tokens, 16, generator: generator);
        var unused = zeros(32);

        var (output, gradients) = RunKernel((q, _) => TwoWideHeadAttention.Attend(q, 8, null, 0, lanes), qkv, unused, projection);
        var (expected, expectedGradients) = RunKernel((q, z) => UnfusedHeads(q, z, 0), qkv.to(float64), unused.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        OperatorAssert.Close(expectedGradients[0].to(float32), gradients[0], 1e-5 * Scale(expectedGradients[0]));
    }

    [Fact]
    public void AttentionWithoutGradientsGivesTheSameOutput()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        using var attention = new SelfAttention(16, 8);
        var input = randn(4, 24, 16, generator: generator);
        var tracked = attention.call(input.requires_grad_());
        using var noGrad = no_grad();
        var untracked = attention.call(input);

        Assert.False(untracked.requires_grad);
        OperatorAssert.Close(tracked.detach(), untracked, 0);
    }

    private static double Scale(Tensor tensor) => Math.Max(1, tensor.abs().max().ToDouble());

    /// <summary>The output and the gradients of the input and of every parameter under a fixed projection of the output.</summary>
    private static (Tensor Output, Dictionary<string, Tensor> Gradients) Run(Func<Tensor, Tensor> forward, SelfAttention attention, Tensor input, Tensor projection)
    {
        attention.zero_grad();
        var tokens = input.detach().requires_grad_();
        var output = forward(tokens);
        (output * projection).sum().backward();
        var gradients = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        gradients["input"] = tokens.grad!.clone();
        return (output.detach(), gradients);
    }

    /// <summary>The output and the gradients of the packed projection and of the zero tokens' key and value.</summary>
    private static (Tensor Output, Tensor[] Gradients) RunKernel(Func<Tensor, Tensor, Tensor> attend, Tensor qkv, Tensor zeroKeyValue, Tensor projection)
    {
        var (q, z) = (qkv.detach().requires_grad_(), zeroKeyValue.detach().requires_grad_());
        var output = attend(q, z);
        (output * projection).sum().backward();
        return (output.detach(), [q.grad!.clone(), z.grad is null ? zeros_like(z) : z.grad.clone()]);
    }

    /// <summary>Eight heads of width two over a packed projection, followed by zero tokens whose key and value are <paramref name="zeroKeyValue"/>.</summary>
    private static Tensor UnfusedHeads(Tensor qkv, Tensor zeroKeyValue, long zeroTokens)
    {
        long batch = qkv.shape[0], tokens = qkv.shape[1];
        var parts = qkv.chunk(3, -1);
        Tensor SplitHeads(Tensor t) => t.reshape(batch, t.shape[1], 8, 2).transpose(1, 2);
        Tensor WithZeroTokens(Tensor t, Tensor zero) => cat([t, zero.expand(batch, zeroTokens, 16)], 1);
        var keys = SplitHeads(WithZeroTokens(parts[1], zeroKeyValue[..16]));
        var values = SplitHeads(WithZeroTokens(parts[2], zeroKeyValue[16..]));
        using var scale = Math.Sqrt(2).ToScalar();
        var weights = SplitHeads(parts[0]).matmul(keys.transpose(2, 3)).div(scale).softmax(-1);
        return weights.matmul(values).transpose(1, 2).reshape(batch, tokens, 16);
    }

    /// <summary>PyTorch's <c>multi_head_attention_forward</c> written out: scores, softmax and weighted values as matrices.</summary>
    private static Tensor UnfusedAttention(SelfAttention attention, Tensor input)
    {
        long batch = input.shape[0], tokens = input.shape[1];
        var state = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var qkv = nn.functional.linear(input, state["in_proj_weight"], state["in_proj_bias"]).chunk(3, -1);
        Tensor SplitHeads(Tensor t) => t.reshape(batch, tokens, 8, 2).transpose(1, 2);
        var (q, k, v) = (SplitHeads(qkv[0]), SplitHeads(qkv[1]), SplitHeads(qkv[2]));
        using var scale = Math.Sqrt(2).ToScalar();
        var weights = q.matmul(k.transpose(2, 3)).div(scale).softmax(-1);
        var context = weights.matmul(v).transpose(1, 2).reshape(batch, tokens, 16);
        return nn.functional.linear(context, state["out_proj.weight"], state["out_proj.bias"]);
    }
}
