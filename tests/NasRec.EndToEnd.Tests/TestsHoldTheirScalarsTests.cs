using NasRec.Tests;

namespace NasRec.EndToEnd.Tests;

/// <summary>
/// These tests hold the numbers they pass to tensor operations, as shipped code does: a collection during a call could
/// otherwise free one while libtorch reads it, and crash the run or corrupt what a test checks.
/// </summary>
public sealed class TestsHoldTheirScalarsTests
{
    [Fact]
    public void TheseTestsHandLibtorchNoNumberThatNothingHoldsDuringTheCall()
    {
        var calls = UnheldScalarCalls.In(typeof(TestsHoldTheirScalarsTests).Assembly.Location);

        Assert.True(calls.Count == 0, "Calls that convert a number for libtorch without holding it:\n" + string.Join('\n', calls));
    }
}
