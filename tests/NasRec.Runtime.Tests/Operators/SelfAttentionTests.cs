using NasRec.Runtime.Operators;
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

    /// <summary>PyTorch's <c>multi_head_attention_forward</c> written out: scores, softmax and weighted values as matrices.</summary>
    private static Tensor UnfusedAttention(SelfAttention attention, Tensor input)
    {
        long batch = input.shape[0], tokens = input.shape[1];
        var state = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var qkv = nn.functional.linear(input, state["in_proj_weight"], state["in_proj_bias"]).chunk(3, -1);
        Tensor SplitHeads(Tensor t) => t.reshape(batch, tokens, 8, 2).transpose(1, 2);
        var (q, k, v) = (SplitHeads(qkv[0]), SplitHeads(qkv[1]), SplitHeads(qkv[2]));
        var weights = (q.matmul(k.transpose(2, 3)) / Math.Sqrt(2)).softmax(-1);
        var context = weights.matmul(v).transpose(1, 2).reshape(batch, tokens, 16);
        return nn.functional.linear(context, state["out_proj.weight"], state["out_proj.bias"]);
    }
}
