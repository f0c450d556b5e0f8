namespace NasRec.Tests;

/// <summary>
/// These tests hold the numbers they pass to tensor operations, as shipped code does: a collection during a call could
/// otherwise free one while libtorch reads it, and crash the run or corrupt what a test checks. Compiled into each test
/// project that links <see cref="UnheldScalarCalls"/>, it checks that project's own assembly.
/// </summary>
public sealed class TestsHoldTheirScalarsTests
{
    [Fact]
    public void TheseTestsHandLibtorchNoNumberThatNothingHoldsDuringTheCall()
    {
        // A class named Offenders makes such calls on purpose, for the check itself to find (the Cli tests' HeldScalarsTests).
        var calls = UnheldScalarCalls.In(typeof(TestsHoldTheirScalarsTests).Assembly.Location)
            .Where(call => !call.StartsWith("Offenders::", StringComparison.Ordinal)).ToList();

        Assert.True(calls.Count == 0, "Calls that convert a number for libtorch without holding it:\n" + string.Join('\n', calls));
    }
}
