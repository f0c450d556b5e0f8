using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Validation;

/// <summary>Document names must be unique across all files (they name generated types).</summary>
public static class DuplicateNames
{
    /// <summary>For each file whose name an earlier file (by path) already uses: a diagnostic at its name.</summary>
    public static IReadOnlyList<(string File, DslDiagnostic Diagnostic)> Find(IEnumerable<ParseResult> results)
    {
        var found = new List<(string, DslDiagnostic)>();
        foreach (var group in results.Where(r => r.Name is not null).GroupBy(r => r.Name!, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(r => r.File, StringComparer.Ordinal).ToList();
            foreach (var later in ordered.Skip(1))
            {
                found.Add((later.File, DslDiagnostic.AtPath(DiagnosticCatalog.DuplicateName, "name", group.Key, ordered[0].File)));
            }
        }
        return found;
    }
}
