using Microsoft.CodeAnalysis;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>AnalyzerReleases.Shipped.md and Unshipped.md list exactly the diagnostics the generator reports.</summary>
public sealed class AnalyzerReleaseTests
{
    private static readonly string GeneratorDirectory = Path.Combine(GeneratorHarness.RepoRoot, "generators", "NasRec.Dsl.Generators");

    [Fact]
    public void TheReleaseFilesListEveryDescriptorWithItsCategoryAndSeverity()
    {
        var tracked = Rules("AnalyzerReleases.Shipped.md").Concat(Rules("AnalyzerReleases.Unshipped.md"))
            .GroupBy(rule => rule.Id).Select(g => g.Last()).Where(rule => !rule.Removed)
            .Select(rule => $"{rule.Id} | {rule.Category} | {rule.Severity}");
        var descriptors = RoslynDiagnostics.Descriptors.Values
            .Select(d => $"{d.Id} | {d.Category} | {(d.DefaultSeverity == DiagnosticSeverity.Error ? "Error" : "Warning")}");

        Assert.Equal(descriptors.Order(StringComparer.Ordinal), tracked.Order(StringComparer.Ordinal));
    }

    private sealed record TrackedRule(string Id, string Category, string Severity, bool Removed);

    /// <summary>The rows of a release file's "New Rules", "Changed Rules" and "Removed Rules" tables, in file order.</summary>
    private static IEnumerable<TrackedRule> Rules(string file)
    {
        bool removed = false;
        foreach (var line in File.ReadLines(Path.Combine(GeneratorDirectory, file)))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal)) removed = line == "### Removed Rules";
            var cells = line.Split('|').Select(cell => cell.Trim()).ToArray();
            if (cells.Length < 3 || !cells[0].StartsWith("NASREC", StringComparison.Ordinal)) continue;
            // Changed Rules rows are: id | new category | new severity | old category | old severity | notes.
            yield return new TrackedRule(cells[0], cells[1], cells[2], removed);
        }
    }
}
