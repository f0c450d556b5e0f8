namespace NasRec.Dsl.Diagnostics;

public enum Severity
{
    Warning,
    Error,
}

/// <summary>One kind of diagnostic: a stable id, a title and a message format (invariant culture).</summary>
public sealed record DiagnosticRule(string Id, string Title, string MessageFormat, Severity Severity);
