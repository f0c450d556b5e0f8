using System.Runtime.Intrinsics.X86;
using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class SixteenWideEncoderTailTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]   // one partial block
    [InlineData(16)]   // one whole block
    [InlineData(37)]   // whole blocks and a partial one
    [InlineData(1000)] // blocks over every thread
    public void TheFusedTailMatchesNormsAndFeedForwardInOutputsAndGradients(long tokens)
    {
        // Without AVX-512 the transformer runs the libtorch composition, which TransformerOperatorTests cover.
        if (!Avx512F.IsSupported) return;
        using var scope = NewDisposeScope();
        // A generator of its own: the global one is shared with the tests running beside this one.
        using var generator = new Generator(17);
        using var tail = new Tail();
        using (no_grad())
        {
            // Every parameter random, gains and biases included, so that each term of every gradient matters.
            foreach (var parameter in tail.parameters()) parameter.normal_(0, 0.7, generator);
        }
        // The reference runs in double precision: against another float computation, the two roundings would add up.
        using var exact = new Tail();
        exact.load_state_dict(tail.state_dict());
        exact.to(float64);
        using var spread = 3.ToScalar();
        var residual = randn(new long[] { 2, tokens, 16 }, generator: generator).mul(spread);
        var projection = randn(new long[] { 2, tokens, 16 }, generator: generator);

        Assert.True(SixteenWideEncoderTail.Serves(residual));
        var (output, gradients) = Run(tail, fused: true, residual, projection);
        var (expected, expectedGradients) = Run(exact, fused: false, residual.to(float64), projection.to(float64));

        OperatorAssert.Close(expected.to(float32), output, 1e-5 * Scale(expected));
        Assert.Equal(expectedGradients.Keys, gradients.Keys);
        foreach (var (name, gradient) in expectedGradients)
            OperatorAssert.Close(gradient.to(float32), gradients[name], 1e-5 * Scale(gradient));
    }

    [Fact]
    public void TheFusedTailWithoutGradientsGivesTheSameOutput()
    {
        if (!Avx512F.IsSupported) return;
        using var scope = NewDisposeScope();
        using var generator = new Generator(18);
        using var tail = new Tail();
        var residual = randn(new long[] { 3, 21, 16 }, generator: generator);
        var tracked = tail.Apply(residual.requires_grad_(), fused: true);
        using var noGrad = no_grad();
        var untracked = tail.Apply(residual, fused: true);

        Assert.False(untracked.requires_grad);
        OperatorAssert.Close(tracked.detach(), untracked, 0);
    }

    [Fact]
    public void TheFusedTailServesOnlyFloatTokensSixteenUnitsWide()
    {
        using var scope = NewDisposeScope();
        Assert.False(SixteenWideEncoderTail.Serves(zeros(2, 5, 16, dtype: float64)));
        Assert.False(SixteenWideEncoderTail.Serves(zeros(2, 5, 32)));
        Assert.Equal(Avx512F.IsSupported, SixteenWideEncoderTail.Serves(zeros(2, 5, 16)));
    }

    private static double Scale(Tensor tensor) => Math.Max(1, tensor.abs().max().ToDouble());

    /// <summary>The output and the gradients of the residual and of every parameter under a fixed projection of the output.</summary>
    private static (Tensor Output, Dictionary<string, Tensor> Gradients) Run(Tail tail, bool fused, Tensor residual, Tensor projection)
    {
        tail.zero_grad();
        var input = residual.detach().requires_grad_();
        var output = tail.Apply(input, fused);
        (output * projection).sum().backward();
        var gradients = tail.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        gradients["residual"] = input.grad!.clone();
        return (output.detach(), gradients);
    }

    /// <summary>The encoder's parts after its attention, as <see cref="TransformerOperator"/> holds them.</summary>
    private sealed class Tail : nn.Module
    {
        private readonly LayerNorm norm1 = nn.LayerNorm(16);
        private readonly Linear feed_forward1 = nn.Linear(16, 16);
        private readonly Linear feed_forward2 = nn.Linear(16, 16);
        private readonly LayerNorm norm2 = nn.LayerNorm(16);

        public Tail() : base(nameof(Tail)) => RegisterComponents();

        public Tensor Apply(Tensor residual, bool fused)
        {
            if (fused) return SixteenWideEncoderTail.Apply(residual, norm1, feed_forward1, feed_forward2, norm2);
            var u = norm1.call(residual);
            return norm2.call(u.Plus(feed_forward2.call(nn.functional.relu(feed_forward1.call(u)))));
        }
    }
}
