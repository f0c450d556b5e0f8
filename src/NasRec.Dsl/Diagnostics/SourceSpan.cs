using System.Globalization;

namespace NasRec.Dsl.Diagnostics;

/// <summary>
/// A range in a YAML file. Lines and columns are 1-based (as editors and the CLI show them);
/// offsets are 0-based character indices.
/// </summary>
public sealed record SourceSpan(string File, int StartLine, int StartColumn, int EndLine, int EndColumn, int StartOffset, int EndOffset)
{
    public static SourceSpan StartOf(string file) => new(file, 1, 1, 1, 1, 0, 0);

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0}({1},{2})", File, StartLine, StartColumn);
}
