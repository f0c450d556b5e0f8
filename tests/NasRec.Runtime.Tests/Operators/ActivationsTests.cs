using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class ActivationsTests
{
    [Theory]
    [InlineData(Activation.Relu, new float[] { 0, 0, 2 })]
    [InlineData(Activation.Silu, new float[] { -0.26894142f, 0, 1.76159416f })]
    [InlineData(Activation.Identity, new float[] { -1, 0, 2 })]
    public void ActivationsComputeTheirFunction(Activation activation, float[] expected)
    {
        using var scope = NewDisposeScope();
        var input = tensor(new float[] { -1, 0, 2 });
        OperatorAssert.Close(tensor(expected), Activations.Apply(activation, input), 1e-6);
    }
}
