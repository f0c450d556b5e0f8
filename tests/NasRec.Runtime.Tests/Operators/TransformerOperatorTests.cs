using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class TransformerOperatorTests
{
    private const long EncoderParameters = 816 + 272 + 64 + 544; // attention in/out, two LN16, two FFN linears

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerMapsTokensToTheChosenTokenCount(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        using var transformer = new TransformerOperator(26, 48, 16, layerNorm);
        OperatorAssert.Shape(transformer.call(randn(4, 26, 16)), 4, 48, 16);
    }

    [Theory]
    [InlineData(false, 26 * 48 + 48 + EncoderParameters)]
    [InlineData(true, 26 * 48 + 2 * 48 + EncoderParameters)]
    public void TransformerParameterCountMatchesTheClosedForm(bool layerNorm, long expected)
    {
        using var transformer = new TransformerOperator(26, 48, 16, layerNorm);
        OperatorAssert.ParameterCount(transformer, expected);
    }

    [Fact]
    public void TransformerWithoutLayerNormStillHasItsEncoderNorms()
    {
        using var transformer = new TransformerOperator(26, 48, 16, false);
        OperatorAssert.StateKeys(transformer,
            "token_projection.weight", "token_projection.bias",
            "attention.in_proj_weight", "attention.in_proj_bias", "attention.out_proj.weight", "attention.out_proj.bias",
            "norm1.weight", "norm1.bias",
            "feed_forward1.weight", "feed_forward1.bias", "feed_forward2.weight", "feed_forward2.bias",
            "norm2.weight", "norm2.bias");
    }

    [Fact]
    public void TransformerWithLayerNormNormalizesAnUnbiasedTokenProjection()
    {
        using var transformer = new TransformerOperator(26, 48, 16, true);
        OperatorAssert.StateKeys(transformer,
            "token_projection.weight", "token_norm.weight", "token_norm.bias",
            "attention.in_proj_weight", "attention.in_proj_bias", "attention.out_proj.weight", "attention.out_proj.bias",
            "norm1.weight", "norm1.bias",
            "feed_forward1.weight", "feed_forward1.bias", "feed_forward2.weight", "feed_forward2.bias",
            "norm2.weight", "norm2.bias");
    }

    [Fact]
    public void TransformerEncoderNormWeightsStartAtPointSeventeenAndSurviveWeightInitialization()
    {
        using var scope = NewDisposeScope();
        using var transformer = new TransformerOperator(26, 48, 16, true);
        AssertEncoderNormsAtInit(transformer);
        WeightInitialization.Apply(transformer);
        AssertEncoderNormsAtInit(transformer);
        // The operator's own LayerNorm keeps PyTorch's default weight.
        OperatorAssert.AllEqual(transformer.get_parameter("token_norm.weight")!, 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerMatchesAHandWrittenEncoderLayer(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var transformer = new TransformerOperator(5, 6, 16, layerNorm);
        // Random values everywhere (biases and norms included), so every term of the reference matters.
        using (no_grad())
        {
            foreach (var parameter in transformer.parameters()) parameter.normal_(0, 0.5);
        }
        var input = randn(3, 5, 16);

        var expected = ReferenceForward(transformer.state_dict(), input, layerNorm, heads: 8);

        OperatorAssert.Close(expected, transformer.call(input), 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerGradientsReachEveryParameter(bool layerNorm)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var transformer = new TransformerOperator(26, 48, 16, layerNorm);
        WeightInitialization.Apply(transformer);
        OperatorAssert.GradientsReachEveryParameter(transformer, transformer.call(randn(4, 26, 16)));
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(32, true)]
    [InlineData(48, false)]
    [InlineData(64, true)]
    public void ElasticTransformerAttendingToOneCountedZeroKeyEqualsTheMaskedArithmetic(long kept, bool layerNorm)
    {
        using var scope = NewDisposeScope();
        // A generator of its own: the global one is shared with the tests running beside this one.
        using var generator = new Generator(3);
        const long MaxTokens = 64;
        using var transformer = new TransformerOperator(26, MaxTokens, 16, layerNorm);
        // Trained-like weights: every bias nonzero, so the zero tokens' keys and values (the in-projection's bias) matter.
        using (no_grad())
        {
            foreach (var parameter in transformer.parameters()) parameter.normal_(0, 0.5, generator);
        }
        // The masked arithmetic in double precision: the two float computations each differ from it by their own
        // rounding (up to about 1e-5 of a gradient's size), so from each other by up to twice that.
        using var exact = new TransformerOperator(26, MaxTokens, 16, layerNorm);
        exact.load_state_dict(transformer.state_dict());
        exact.to(float64);
        var input = randn(8, 26, 16, generator: generator);
        var projection = randn(8, kept, 16, generator: generator);

        var (expected, expectedGradients) = ElasticRun(exact, input.to(float64), kept, masked: true, projection.to(float64));
        foreach (var masked in new[] { true, false })
        {
            var (output, gradients) = ElasticRun(transformer, input, kept, masked, projection);
            OperatorAssert.Shape(output, 8, masked ? MaxTokens : kept, 16);
            OperatorAssert.Close(expected.narrow(1, 0, kept).to(float32), output.narrow(1, 0, kept), 1e-5);
            Assert.Equal(expectedGradients.Keys, gradients.Keys);
            foreach (var (name, gradient) in expectedGradients)
            {
                // Relative to the gradient's size: they sum over the batch and reach tens.
                OperatorAssert.Close(gradient.to(float32), gradients[name], 1.5e-5 * Math.Max(1, gradient.abs().max().item<double>()));
            }
            Assert.True(gradients["attention.in_proj_bias"].abs().sum().item<float>() > 0);
        }
    }

    /// <summary>The elastic forward's output and every gradient (parameters and input) of a fixed projection of its first <paramref name="kept"/> tokens.</summary>
    private static (Tensor Output, Dictionary<string, Tensor> Gradients) ElasticRun(
        TransformerOperator transformer, Tensor input, long kept, bool masked, Tensor projection)
    {
        transformer.zero_grad();
        var tokens = input.detach().requires_grad_();
        var dense = ZeroPadded.Whole(zeros(input.shape[0], 4, dtype: input.dtype));
        var inputs = new ElasticInputs(dense, ZeroPadded.Whole(tokens.transpose(1, 2)), dense, dense, 4, kept, Sliced: false) { Masked = masked };
        var output = transformer.Forward(inputs).transpose(1, 2);
        (output.narrow(1, 0, kept) * projection).sum().backward();
        var gradients = transformer.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        gradients["input"] = tokens.grad!.clone();
        return (output.detach(), gradients);
    }

    private static void AssertEncoderNormsAtInit(TransformerOperator transformer)
    {
        foreach (var norm in new[] { "norm1", "norm2" })
        {
            OperatorAssert.AllEqual(transformer.get_parameter($"{norm}.weight")!, 0.17f, $"{norm}.weight");
            OperatorAssert.AllEqual(transformer.get_parameter($"{norm}.bias")!, 0, $"{norm}.bias");
        }
    }

    /// <summary>Spec §2.4.6 written out: token projection, batch-first 8-head attention, post-norm residuals, ReLU FFN.</summary>
    private static Tensor ReferenceForward(Dictionary<string, Tensor> state, Tensor input, bool layerNorm, long heads)
    {
        var batch = input.shape[0];
        var embedding = input.shape[2];
        var headDim = embedding / heads;
        var tokens = state["token_projection.weight"].shape[0];

        var h = nn.functional.linear(input.transpose(1, 2), state["token_projection.weight"],
            state.GetValueOrDefault("token_projection.bias"));
        if (layerNorm)
            h = nn.functional.layer_norm(h, [tokens], state["token_norm.weight"], state["token_norm.bias"], 1e-5);
        h = h.transpose(1, 2);

        var qkv = nn.functional.linear(h, state["attention.in_proj_weight"], state["attention.in_proj_bias"]).chunk(3, -1);
        Tensor SplitHeads(Tensor t) => t.reshape(batch, tokens, heads, headDim).transpose(1, 2);
        var (q, k, v) = (SplitHeads(qkv[0]), SplitHeads(qkv[1]), SplitHeads(qkv[2]));
        using var scale = Math.Sqrt(headDim).ToScalar();
        var weights = q.matmul(k.transpose(2, 3)).div(scale).softmax(-1);
        var context = weights.matmul(v).transpose(1, 2).reshape(batch, tokens, embedding);
        var attended = nn.functional.linear(context, state["attention.out_proj.weight"], state["attention.out_proj.bias"]);

        var u = nn.functional.layer_norm(attended.Plus(h), [embedding], state["norm1.weight"], state["norm1.bias"], 1e-5);
        var hidden = nn.functional.relu(nn.functional.linear(u, state["feed_forward1.weight"], state["feed_forward1.bias"]));
        var f = nn.functional.linear(hidden, state["feed_forward2.weight"], state["feed_forward2.bias"]);
        return nn.functional.layer_norm(u.Plus(f), [embedding], state["norm2.weight"], state["norm2.bias"], 1e-5);
    }
}
