using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

/// <summary>Checks shared by the operator tests.</summary>
internal static class OperatorAssert
{
    public static void StateKeys(nn.Module module, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), module.state_dict().Keys.Order(StringComparer.Ordinal));

    public static void ParameterCount(nn.Module module, long expected) =>
        Assert.Equal(expected, module.parameters().Sum(p => p.numel()));

    public static void Shape(Tensor tensor, params long[] expected) => Assert.Equal(expected, tensor.shape);

    /// <summary>Back-propagates a random projection of the output (a plain sum would cancel through LayerNorm).</summary>
    public static void GradientsReachEveryParameter(nn.Module module, Tensor output)
    {
        using var scope = NewDisposeScope();
        (output * randn_like(output)).sum().backward();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var gradient = parameter.grad;
            Assert.True(gradient is not null, $"{name} has no gradient");
            Assert.True(gradient.abs().sum().item<float>() > 0, $"{name} has a zero gradient");
        }
    }

    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"max abs difference {difference} exceeds {tolerance}");
    }

    /// <summary>Every element of <paramref name="tensor"/> equals <paramref name="value"/>, a number held across the
    /// comparison (<see cref="NasRec.Runtime.Tensors.Scalars"/> says why).</summary>
    public static void AllEqual(Tensor tensor, double value, string? message = null)
    {
        using var held = value.ToScalar();
        Assert.True(tensor.eq(held).all().item<bool>(), message);
    }

    /// <summary>Overwrites a parameter in place, so a test can pick weights that expose the math.</summary>
    public static void SetParameter(nn.Module module, string name, Tensor value)
    {
        using var noGrad = no_grad();
        module.get_parameter(name)!.copy_(value);
    }
}
