using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Validation;

/// <summary>Document names must be unique across all files (they name generated types).</summary>
public static class DuplicateNames
{
    /// <summary>The files whose name an earlier file (by path) already uses, with that earlier file.</summary>
    public static IEnumerable<(string File, string Name, string FirstFile)> Shadowed(IEnumerable<(string File, string? Name)> documents) =>
        documents.Where(d => d.Name is not null)
            .GroupBy(d => d.Name!, StringComparer.Ordinal)
            .SelectMany(group =>
            {
                var ordered = group.OrderBy(d => d.File, StringComparer.Ordinal).ToList();
                return ordered.Skip(1).Select(later => (later.File, group.Key, ordered[0].File));
            });

    /// <summary>For each shadowed file: a diagnostic at its name.</summary>
    public static IReadOnlyList<(string File, DslDiagnostic Diagnostic)> Find(IEnumerable<ParseResult> results) =>
        Shadowed(results.Select(r => (r.File, r.Name)))
            .Select(s => (s.File, DslDiagnostic.AtPath(DiagnosticCatalog.DuplicateName, "name", s.Name, s.FirstFile)))
            .ToList();
}
