using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Parsing;

/// <summary>
/// What one file parses to: the document (null when it has errors), where its nodes stand, and the
/// file's own diagnostics (already located). <see cref="Kind"/> and <see cref="Name"/> are kept even
/// for a broken document, so that other documents referring to it get no follow-on errors.
/// </summary>
public sealed record ParseResult(
    string File,
    string? Kind,
    string? Name,
    NasRecDocument? Document,
    SourceMap SourceMap,
    EquatableArray<DslDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
