using Microsoft.CodeAnalysis;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>
/// The generated code of every shipped YAML file against checked-in baselines (Baselines/*.g.cs.txt).
/// A missing or different baseline fails. To accept new output, run with UPDATE_BASELINES=1
/// (refused when CI=true) and review the diff.
/// </summary>
public sealed class BaselineTests
{
    private static readonly string BaselineDirectory = Path.Combine(GeneratorHarness.TestProjectDirectory, "Baselines");

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Generated = new(() =>
    {
        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()), GeneratorHarness.Compilation());
        var generated = driver.GetRunResult().Results.Single().GeneratedSources
            .ToDictionary(s => s.HintName, s => Normalize(s.SourceText.ToString()));
        if (Updating) RewriteAll(generated);
        return generated;
    });

    public static TheoryData<string> HintNames => new(Generated.Value.Keys.OrderBy(k => k, StringComparer.Ordinal));

    [Fact]
    public void EveryShippedDocumentHasABaselineAndNoBaselineIsStale()
    {
        var expected = Directory.EnumerateFiles(BaselineDirectory, "*.g.cs.txt").Select(p => Path.GetFileName(p)[..^".txt".Length]);

        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), Generated.Value.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HintNames))]
    public void GeneratedSourceMatchesItsBaseline(string hintName)
    {
        var path = Path.Combine(BaselineDirectory, hintName + ".txt");
        Assert.True(File.Exists(path), $"No baseline for {hintName}; run the tests with UPDATE_BASELINES=1 to create it.");
        var expected = File.ReadAllText(path).Split('\n');
        var actual = Generated.Value[hintName].Split('\n');

        for (int line = 0; line < Math.Min(expected.Length, actual.Length); line++)
        {
            Assert.True(expected[line] == actual[line], $"{hintName} line {line + 1}:\n  expected: {expected[line]}\n  actual:   {actual[line]}");
        }
        Assert.Equal(expected.Length, actual.Length);
    }

    [Fact]
    public void ShippedDocumentsCompileWithoutErrorsOrWarningsBesidesDeadBlocks()
    {
        var (_, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()), GeneratorHarness.Compilation());

        Assert.All(diagnostics, d => Assert.Equal("NASREC100", d.Id));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static bool Updating
    {
        get
        {
            if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") != "1") return false;
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "UPDATE_BASELINES is refused when CI=true.");
            return true;
        }
    }

    private static void RewriteAll(IReadOnlyDictionary<string, string> generated)
    {
        Directory.CreateDirectory(BaselineDirectory);
        foreach (var stale in Directory.EnumerateFiles(BaselineDirectory, "*.g.cs.txt")) File.Delete(stale);
        foreach (var (hint, text) in generated) File.WriteAllText(Path.Combine(BaselineDirectory, hint + ".txt"), text);
    }

    /// <summary>The generator version changes with releases; baselines hold a placeholder.</summary>
    private static string Normalize(string source) =>
        source.Replace("\"NasRec.Dsl.Generators\", \"" + typeof(NasRecGenerator).Assembly.GetName().Version!.ToString(3) + "\"", "\"NasRec.Dsl.Generators\", \"{version}\"");
}
