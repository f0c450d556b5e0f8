using NasRec.Runtime.Optim;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Optim;

public sealed class AdagradUpdateTests
{
    private const double Rate = 0.07, Epsilon = RowSparseAdagrad.Epsilon;

    public static TheoryData<string> Blocks => new()
    {
        "short vector", // one thread, a tail shorter than a register
        "long vector", // split into parts between threads, with a tail
        "column block", // rows of a wider matrix: strided rows
        "many rows",
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void TheKernelEqualsTorchsOperatorsBitForBitWithACorrectlyRoundedSquareRoot(string block)
    {
        var generator = new Generator(3);
        var (weight, accumulator, gradient) = Make(block, generator);
        var (expectedWeight, expectedAccumulator) = (weight.clone(), accumulator.clone());
        Assert.True(AdagradUpdate.FitsKernel(weight, accumulator, gradient));

        using Scalar epsilon = Epsilon.ToScalar(), negativeRate = (-Rate).ToScalar();
        // Within the clipping bound, then clipped (the scale applied inside the pass, as mul_ would before it).
        foreach (float scale in new[] { 1f, 0.37f, 1f })
        {
            AdagradUpdate.Apply(weight, accumulator, gradient, Rate, Epsilon, scale);
            using var heldScale = scale.ToScalar();
            var scaled = gradient.mul(heldScale);
            expectedAccumulator.addcmul_(scaled, scaled, Scalars.One);
            // The square root correctly rounded: torch's goes through MKL's vector library on long blocks, within an ulp.
            var root = expectedAccumulator.to(ScalarType.Float64).sqrt().to(ScalarType.Float32);
            expectedWeight.addcdiv_(scaled, root.add_(epsilon, Scalars.One), negativeRate);
        }

        Assert.True(Same(expectedAccumulator, accumulator), "accumulators differ");
        Assert.True(Same(expectedWeight, weight), "weights differ");
    }

    [Fact]
    public void OnlyTheBlockChangesNotTheRestOfItsMatrix()
    {
        var generator = new Generator(4);
        var matrix = randn(new long[] { 40, 300 }, generator: generator);
        var state = rand(new long[] { 40, 300 }, generator: generator);
        var (matrixBefore, stateBefore) = (matrix.clone(), state.clone());

        AdagradUpdate.Apply(matrix.narrow(0, 5, 30).narrow(1, 100, 150), state.narrow(0, 5, 30).narrow(1, 100, 150),
            randn(new long[] { 30, 150 }, generator: generator), Rate, Epsilon);

        var outside = ones(40, 300, dtype: ScalarType.Bool);
        using (var inside = false.ToScalar()) outside.narrow(0, 5, 30).narrow(1, 100, 150).fill_(inside);
        Assert.True(Same(matrix.masked_select(outside), matrixBefore.masked_select(outside)));
        Assert.True(Same(state.masked_select(outside), stateBefore.masked_select(outside)));
        Assert.False(Same(matrix, matrixBefore));
    }

    [Fact]
    public void BlocksTheKernelDoesNotTakeGetTorchsOperators()
    {
        var weight = randn(new long[] { 6, 5 }, dtype: ScalarType.Float64);
        var accumulator = zeros_like(weight);
        var gradient = randn(new long[] { 6, 5 }, dtype: ScalarType.Float64);
        using Scalar half = 0.5.ToScalar(), rate = Rate.ToScalar(), epsilon = Epsilon.ToScalar();
        var scaled = gradient.mul(half);
        var expected = weight - scaled.mul(rate) / scaled.abs().add(epsilon, Scalars.One);
        Assert.False(AdagradUpdate.FitsKernel(weight, accumulator, gradient));

        AdagradUpdate.Apply(weight, accumulator, gradient, Rate, Epsilon, gradientScale: 0.5f);

        Assert.True(weight.allclose(expected, rtol: 1e-12, atol: 1e-12));
        Assert.False(AdagradUpdate.FitsKernel(randn(4, 6).t(), zeros(6, 4), zeros(6, 4)));
    }

    private static (Tensor Weight, Tensor Accumulator, Tensor Gradient) Make(string block, Generator generator)
    {
        Tensor Random(params long[] shape) => randn(shape, generator: generator);
        return block switch
        {
            "short vector" => (Random(37), Random(37).abs(), Random(37)),
            "long vector" => (Random(200_003), Random(200_003).abs(), Random(200_003)),
            "column block" => (Random(300, 1000).narrow(1, 17, 500), Random(300, 1000).abs().narrow(1, 17, 500), Random(300, 500)),
            _ => (Random(5000, 24), Random(5000, 24).abs(), Random(5000, 24)),
        };
    }

    private static bool Same(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>();
}
