using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Validation;

/// <summary>
/// Document names must be unique across all files, and so must the types they generate (those also
/// name the generated files, which the compiler compares ignoring case). The earlier file by path keeps
/// its name; each later one that clashes is shadowed: it gets a diagnostic and generates nothing.
/// </summary>
public static class DuplicateNames
{
    /// <summary>Each shadowed document, with its diagnostic (not yet located: the node path is its name).</summary>
    public static IReadOnlyList<(string File, DslDiagnostic Diagnostic)> Find(IEnumerable<(string File, string? Kind, string? Name)> documents)
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var shadowed = new List<(string, DslDiagnostic)>();
        foreach (var (file, kind, name) in documents.Where(d => d.Name is not null).OrderBy(d => d.File, StringComparer.Ordinal))
        {
            var type = GeneratedNames.TypeName(kind ?? "", name!);
            if (names.TryGetValue(name!, out var first))
            {
                shadowed.Add((file, DslDiagnostic.AtPath(DiagnosticCatalog.DuplicateName, "name", name!, first)));
            }
            else if (types.TryGetValue(type, out var declaring))
            {
                shadowed.Add((file, DslDiagnostic.AtPath(DiagnosticCatalog.TypeNameTaken, "name", name!, type, declaring)));
            }
            else
            {
                names.Add(name!, file);
                types.Add(type, file);
            }
        }
        return shadowed;
    }

    public static IReadOnlyList<(string File, DslDiagnostic Diagnostic)> Find(IEnumerable<ParseResult> results) =>
        Find(results.Select(r => (r.File, r.Kind, r.Name)));
}
