using System.Globalization;

namespace NasRec.Dsl.Diagnostics;

/// <summary>
/// A diagnostic about a YAML document. Validation reports it against a node path
/// (e.g. <c>blocks[2].dense.width</c>), which stays equal when only whitespace moves; the source
/// map of the file turns the path into a <see cref="Location"/>.
/// </summary>
public sealed record DslDiagnostic(DiagnosticRule Rule, string Message, string? NodePath, SourceSpan? Location)
{
    public static DslDiagnostic At(DiagnosticRule rule, SourceSpan location, params object[] args) =>
        new(rule, Format(rule, args), null, location);

    public static DslDiagnostic AtPath(DiagnosticRule rule, string nodePath, params object[] args) =>
        new(rule, Format(rule, args), nodePath, null);

    public bool IsError => Rule.Severity == Severity.Error;

    /// <summary>The MSBuild-style line the CLI prints: <c>file(line,col): error NASREC008: message</c>.</summary>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0}: {1} {2}: {3}",
            Location?.ToString() ?? NodePath ?? "", IsError ? "error" : "warning", Rule.Id, Message);

    private static string Format(DiagnosticRule rule, object[] args) =>
        string.Format(CultureInfo.InvariantCulture, rule.MessageFormat, args);
}
