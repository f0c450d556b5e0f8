using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace NasRec.Dsl.Generators.Tests.Fuzzing;

/// <summary>
/// The fuzz campaign: NASREC_FUZZ_INPUTS inputs (default 50, a bounded run in the suite) drawn from
/// seed NASREC_FUZZ_SEED (default 1), every invariant checked, every error-free case compiled and
/// run through the CLI. Prints the seed, size, runtime and counts. For a campaign of 10,000:
/// <c>NASREC_FUZZ_INPUTS=10000 dotnet test tests/NasRec.Dsl.Generators.Tests --filter FuzzCampaign --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class FuzzCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public void FuzzCampaignFindsNoCrashHangOutOfFileLocationUncompilableOutputOrStackTrace()
    {
        int inputs = int.Parse(Environment.GetEnvironmentVariable("NASREC_FUZZ_INPUTS") ?? "50", System.Globalization.CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(Environment.GetEnvironmentVariable("NASREC_FUZZ_SEED") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        var invariants = new Invariants();
        var outcomes = new Dictionary<FuzzOutcome, int>();
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<string>();
        long characters = 0;
        var random = new PCG(0, seed);
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < inputs; i++)
        {
            var (fuzzCase, mutations) = Mutations.Cases.Generate(random, null, out _);
            try
            {
                var outcome = invariants.Check(fuzzCase, compile: true, cli: true);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            catch (Exception e)
            {
                // Keep going: one run shows every kind of violation.
                violations.Add($"Input {i} of seed {seed} broke an invariant: {e}\n{HostileYamlPropertyTests.Print((fuzzCase, mutations))}");
            }
            foreach (var mutation in mutations) kinds[mutation.Kind] = kinds.GetValueOrDefault(mutation.Kind) + 1;
            characters += fuzzCase.Files.Sum(f => (long)f.Text.Length);
        }

        output.WriteLine($"fuzz campaign: seed {seed}, {inputs} inputs, {characters:N0} characters, {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine("outcomes: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        output.WriteLine("mutations: " + string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        output.WriteLine($"violations: {violations.Count}");
        Assert.True(violations.Count == 0, string.Join("\n\n", violations.Take(5)));
        Assert.Equal(inputs, outcomes.Values.Sum());
    }
}
