using NasRec.Models;
using NasRec.Runtime.Tensors;
using NasRec.Tests;

namespace NasRec.Cli.Tests;

/// <summary>
/// TorchSharp turns a number passed to a tensor operation into a native object that nothing holds during the call, so
/// the finalizer can free it while libtorch reads it (<see cref="Scalars"/>): the shipped assemblies make no such call
/// (<see cref="UnheldScalarCalls"/>).
/// </summary>
public sealed class HeldScalarsTests
{
    [Fact]
    public void NoShippedCodeHandsLibtorchANumberThatNothingHoldsDuringTheCall()
    {
        var assemblies = new[] { typeof(Scalars).Assembly, typeof(CriteoNasRecNetFull).Assembly, typeof(Program).Assembly };

        var calls = assemblies.SelectMany(assembly => UnheldScalarCalls.In(assembly.Location)).ToList();

        Assert.True(calls.Count == 0, "Calls that convert a number for libtorch without holding it:\n" + string.Join('\n', calls));
    }

    [Fact]
    public void TheCheckFindsAnImplicitNumberASquareAScaleAndASum()
    {
        var calls = UnheldScalarCalls.In(typeof(HeldScalarsTests).Assembly.Location);

        foreach (var (method, target) in new[]
        {
            (nameof(Offenders.Fill), "Scalar::op_Implicit(Int32)"), (nameof(Offenders.Square), "Tensor::square()"),
            (nameof(Offenders.Scale), "Tensor::op_Multiply(Tensor, Double)"), (nameof(Offenders.Sum), "Tensor::op_Addition(Tensor, Tensor)"),
        })
            Assert.Contains($"{nameof(Offenders)}::{method} calls {target}", calls);
        Assert.DoesNotContain(calls, call => call.Contains(nameof(Offenders.HeldSum), StringComparison.Ordinal));
    }
}

/// <summary>What the check must find, and one it must not (never run).</summary>
internal static class Offenders
{
    public static TorchSharp.torch.Tensor Sum(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) => a + b;

    public static TorchSharp.torch.Tensor HeldSum(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) => a.Plus(b);

    public static void Fill(TorchSharp.torch.Tensor t) => t.fill_(1);

    public static TorchSharp.torch.Tensor Square(TorchSharp.torch.Tensor t) => t.square();

    public static TorchSharp.torch.Tensor Scale(TorchSharp.torch.Tensor t) => t * 0.5;
}
