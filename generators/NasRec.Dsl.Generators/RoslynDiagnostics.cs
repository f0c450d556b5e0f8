using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NasRec.Dsl.Diagnostics;

namespace NasRec.Dsl.Generators;

/// <summary>Turns the DSL's diagnostics into compiler diagnostics located in the YAML files.</summary>
internal static class RoslynDiagnostics
{
    public const string Category = "NasRec";

    /// <summary>
    /// One descriptor per rule of <see cref="DiagnosticCatalog"/>, by id; AnalyzerReleases.Shipped.md and
    /// AnalyzerReleases.Unshipped.md list them (a test keeps the three in step).
    /// </summary>
    public static IReadOnlyDictionary<string, DiagnosticDescriptor> Descriptors { get; } =
        DiagnosticCatalog.All.ToDictionary(rule => rule.Id, rule => new DiagnosticDescriptor(
            rule.Id, rule.Title, "{0}", Category,
            rule.Severity == Severity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            isEnabledByDefault: true));

    public static Diagnostic Create(DslDiagnostic diagnostic) =>
        Diagnostic.Create(Descriptors[diagnostic.Rule.Id], Location(diagnostic.Location), diagnostic.Message);

    public static Diagnostic InternalError(string file, string failure) =>
        Create(DslDiagnostic.At(DiagnosticCatalog.InternalError, SourceSpan.StartOf(file), failure));

    private static Location Location(SourceSpan? span)
    {
        if (span is null) return Microsoft.CodeAnalysis.Location.None;
        return Microsoft.CodeAnalysis.Location.Create(
            span.File,
            TextSpan.FromBounds(span.StartOffset, System.Math.Max(span.StartOffset, span.EndOffset)),
            new LinePositionSpan(
                new LinePosition(span.StartLine - 1, span.StartColumn - 1),
                new LinePosition(span.EndLine - 1, span.EndColumn - 1)));
    }
}
