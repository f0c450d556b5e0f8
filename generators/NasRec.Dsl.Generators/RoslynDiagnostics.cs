using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NasRec.Dsl.Diagnostics;

namespace NasRec.Dsl.Generators;

/// <summary>Turns the DSL's diagnostics into compiler diagnostics located in the YAML files.</summary>
internal static class RoslynDiagnostics
{
    private const string Category = "NasRec";
    private static readonly ConcurrentDictionary<string, DiagnosticDescriptor> Descriptors = new();

    public static Diagnostic Create(DslDiagnostic diagnostic) =>
        Diagnostic.Create(Descriptor(diagnostic.Rule), Location(diagnostic.Location), diagnostic.Message);

    public static Diagnostic InternalError(string file, string failure) =>
        Create(DslDiagnostic.At(DiagnosticCatalog.InternalError, SourceSpan.StartOf(file), failure));

    private static DiagnosticDescriptor Descriptor(DiagnosticRule rule) =>
        Descriptors.GetOrAdd(rule.Id, _ => new DiagnosticDescriptor(
            rule.Id, rule.Title, "{0}", Category,
            rule.Severity == Severity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            isEnabledByDefault: true));

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
