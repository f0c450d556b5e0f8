using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class ZeroPaddedTests
{
    private const long Size = 12;

    private const long Rows = 64;

    /// <summary>Part layouts as offset:width: with gaps, touching, the same units twice (sum's left = right), partly overlapping.</summary>
    public static TheoryData<string> Layouts => new() { "0:3 5:4", "0:3 3:4 7:5", "2:4 2:4", "1:5 4:6 10:2", "0:12" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void A_linear_over_the_parts_equals_the_linear_over_the_tensor_written_out(string layout)
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(Size, 5, hasBias: true);
        var padded = Padded(layout, slices: null);

        var expected = linear.call(padded.Materialize());
        AssertClose(expected, padded.Linear(linear));
        AssertClose(expected.narrow(1, 1, 3), padded.Linear(linear, 1, 3));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Each_run_of_parts_takes_the_gradient_of_its_own_weight_block(string layout)
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(Size, 5, hasBias: false);
        var upstream = randn(Rows, 5, generator: new Generator(3));
        (linear.call(Padded(layout, slices: null).Materialize()) * upstream).sum().backward();
        var expected = linear.weight!.grad!.clone();

        var slices = new GradientSlices();
        (Padded(layout, slices).Linear(linear) * upstream).sum().backward();
        var read = new HashSet<long>();
        foreach (var slice in slices.Slices)
        {
            AssertClose(slice.Of(expected), slice.Leaf!.grad!);
            for (long column = slice.FirstColumn; column < slice.FirstColumn + slice.Columns; column++) read.Add(column);
        }
        // The columns no part covers are zeros in the input: their gradient is zero and never computed.
        for (long column = 0; column < Size; column++)
        {
            if (!read.Contains(column)) Assert.Equal(0f, expected.select(1, column).abs().max().item<float>());
        }
        slices.Release();
    }

    [Fact]
    public void Joining_touching_parts_keeps_the_tensor_in_fewer_parts()
    {
        using var scope = NewDisposeScope();
        var padded = Padded("0:3 3:4 9:2", slices: null);
        var joined = padded.Joined();

        Assert.Equal([(0L, 7L), (9L, 2L)], joined.Parts.Select(p => (p.Offset, p.Value.shape[^1])));
        Assert.Equal(padded.Materialize().data<float>().ToArray(), joined.Materialize().data<float>().ToArray());
        Assert.Same(joined, joined.Joined());
    }

    /// <summary>A <c>[64, 12]</c> tensor with random parts at <paramref name="layout"/>'s places.</summary>
    private static ZeroPadded Padded(string layout, GradientSlices? slices)
    {
        var generator = new Generator(7);
        var parts = layout.Split(' ').Select(place =>
        {
            var numbers = place.Split(':').Select(long.Parse).ToArray();
            return new ZeroPaddedPart(numbers[0], randn([Rows, numbers[1]], generator: generator));
        }).ToList();
        return new ZeroPadded([Rows], Size, parts, float32, CPU, slices);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        float difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5f, $"differs by {difference}");
    }
}
