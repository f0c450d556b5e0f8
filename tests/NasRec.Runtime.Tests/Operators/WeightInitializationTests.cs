using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class WeightInitializationTests
{
    [Fact]
    public void LinearWeightsAreXavierUniformAndBiasesZero()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var fc = new FcOperator(200, 300, false, Activation.Relu);
        FillParameters(fc, 5);

        WeightInitialization.Apply(fc);

        var weight = fc.get_parameter("linear.weight")!;
        var bound = Math.Sqrt(6.0 / (200 + 300));
        Assert.True(weight.abs().max().item<float>() <= bound);
        // A uniform draw on [−b, b] has standard deviation b/√3.
        Assert.Equal(bound / Math.Sqrt(3), weight.std().item<float>(), 0.005);
        OperatorAssert.AllEqual(fc.get_parameter("linear.bias")!, 0);
    }

    [Fact]
    public void AttentionMatricesAreXavierUniformAndItsVectorsZero()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var transformer = new TransformerOperator(26, 48, 16, false);
        FillParameters(transformer, 5);

        WeightInitialization.Apply(transformer);

        var inProjection = transformer.get_parameter("attention.in_proj_weight")!;
        Assert.True(inProjection.abs().max().item<float>() <= Math.Sqrt(6.0 / (16 + 48)));
        var outProjection = transformer.get_parameter("attention.out_proj.weight")!;
        Assert.True(outProjection.abs().max().item<float>() <= Math.Sqrt(6.0 / (16 + 16)));
        Assert.True(outProjection.abs().max().item<float>() > 0);
        foreach (var vector in new[] { "attention.in_proj_bias", "attention.out_proj.bias", "feed_forward1.bias" })
            OperatorAssert.AllEqual(transformer.get_parameter(vector)!, 0, vector);
    }

    [Fact]
    public void LayerNormsAreLeftAsBuilt()
    {
        using var scope = NewDisposeScope();
        using var fc = new FcOperator(20, 30, true, Activation.Relu);
        WeightInitialization.Apply(fc);
        OperatorAssert.AllEqual(fc.get_parameter("norm.weight")!, 1);
        OperatorAssert.AllEqual(fc.get_parameter("norm.bias")!, 0);
    }

    [Fact]
    public void EmbeddingsAreXavierNormal()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var embedding = nn.Embedding(20000, 16);

        WeightInitialization.Apply(embedding);

        var expectedStd = Math.Sqrt(2.0 / (20000 + 16));
        Assert.Equal(expectedStd, embedding.weight!.std().item<float>(), expectedStd * 0.02);
    }

    private static void FillParameters(nn.Module module, float value)
    {
        using var noGrad = no_grad();
        using var held = value.ToScalar();
        foreach (var parameter in module.parameters()) parameter.fill_(held);
    }
}
