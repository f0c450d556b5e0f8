using Microsoft.CodeAnalysis;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>DSL diagnostics reach the compiler located in the YAML file, as `dotnet build` shows them.</summary>
public sealed class DiagnosticReportingTests
{
    [Fact]
    public void WrongWidthIsACompilerErrorAtTheYamlLineAndColumn()
    {
        var file = Path.Combine(GeneratorHarness.RepoRoot, "spaces", "criteo", "nasrecnet-full.arch.yaml");
        var files = GeneratorHarness.ShippedFiles().Select(f => f.Path != file ? f
            : new GeneratorHarness.InMemoryText(file, f.GetText()!.ToString().Replace("{ op: dot-product, width: 32,", "{ op: dot-product, width: 33,")));

        var (_, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateDriver(files), GeneratorHarness.Compilation());

        var error = Assert.Single(diagnostics, d => d.Id == "NASREC008");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        var span = error.Location.GetLineSpan();
        Assert.Equal(file, span.Path);
        Assert.Equal((14, 37), (span.StartLinePosition.Line, span.StartLinePosition.Character)); // line 15, column 38
        Assert.Contains("Dense width 33 is not a choice of search space 'NasRecFull'", error.GetMessage());
    }

    [Fact]
    public void ArchitectureWithErrorsEmitsNoSubnet()
    {
        var file = Path.Combine(GeneratorHarness.RepoRoot, "spaces", "kdd", "nasrecnet-small.arch.yaml");
        var files = GeneratorHarness.ShippedFiles().Select(f => f.Path != file ? f
            : new GeneratorHarness.InMemoryText(file, f.GetText()!.ToString().Replace("space: NasRecSmall", "space: NoSuchSpace")));

        var (driver, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateDriver(files), GeneratorHarness.Compilation());

        Assert.Contains(diagnostics, d => d.Id == "NASREC015");
        Assert.DoesNotContain(driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith("KddNasRecNetSmall.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateNamesAreReportedOnceAndEmitOneClass()
    {
        var space = GeneratorHarness.ShippedFiles().Single(f => f.Path.EndsWith("nasrec-small.space.yaml", StringComparison.Ordinal));
        var copy = new GeneratorHarness.InMemoryText(space.Path.Replace("nasrec-small", "zz-copy"), space.GetText()!.ToString());

        var (driver, output, diagnostics) = GeneratorHarness.Run(
            GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles().Append(copy)), GeneratorHarness.Compilation());

        var duplicate = Assert.Single(diagnostics, d => d.Id == "NASREC017");
        Assert.Equal(copy.Path, duplicate.Location.GetLineSpan().Path);
        Assert.Single(driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith("NasRecSmallSpace.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}
