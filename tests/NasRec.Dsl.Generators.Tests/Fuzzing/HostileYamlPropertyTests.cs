using CsCheck;

namespace NasRec.Dsl.Generators.Tests.Fuzzing;

/// <summary>
/// The invariants of <see cref="Invariants"/> over random hostile inputs (CsCheck: a failure prints
/// the shrunk case and the seed to rerun it with CsCheck_Seed). Iterations are few enough for CI;
/// <see cref="FuzzCampaignTests"/> runs many more on demand.
/// </summary>
public sealed class HostileYamlPropertyTests
{
    private static readonly Invariants Invariants = new();

    [Fact]
    public void MutatedDocumentsNeverCrashHangOrPointOutsideTheirFiles()
    {
        Mutations.Cases.Sample(input => { Invariants.Check(input.Case, compile: false, cli: false); },
            iter: 200, threads: 1, print: Print);
    }

    [Fact]
    public void MutatedDocumentsWithoutErrorsCompileWithoutWarningsAndTheCliPrintsNoStackTrace()
    {
        Mutations.Cases.Sample(input => { Invariants.Check(input.Case, compile: true, cli: true); },
            iter: 30, threads: 1, print: Print);
    }

    internal static string Print((FuzzCase Case, Mutation[] Mutations) input) =>
        "mutations: " + string.Join("; ", input.Mutations.Select(m => m.Description)) + "\n" + input.Case;
}
