using NasRec.Dsl.Diagnostics;

namespace NasRec.Dsl.Parsing;

/// <summary>
/// Keeps spans inside the text. YamlDotNet places some marks one line or column past the end (a
/// syntax error at the end of a file without a final newline, an empty document after a last
/// <c>---</c>); those are moved to the end of the text. Lines break as YAML breaks them
/// (<c>\r\n</c>, <c>\r</c>, <c>\n</c>, U+0085, U+2028, U+2029), as YamlDotNet counts them.
/// </summary>
internal sealed class TextPositions
{
    private readonly int length;
    private readonly int lastLine;
    private readonly int lastColumn;

    public TextPositions(string text)
    {
        length = text.Length;
        int line = 1, lineStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsBreak(text[i])) continue;
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            line++;
            lineStart = i + 1;
        }
        lastLine = line;
        lastColumn = text.Length - lineStart + 1;
    }

    public static bool IsBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>The span, with any end past the text moved to the end of the text.</summary>
    public SourceSpan Clamp(SourceSpan span)
    {
        var (startLine, startColumn, startOffset) = Clamp(span.StartLine, span.StartColumn, span.StartOffset);
        var (endLine, endColumn, endOffset) = Clamp(span.EndLine, span.EndColumn, span.EndOffset);
        if (endOffset < startOffset) (endLine, endColumn, endOffset) = (startLine, startColumn, startOffset);
        return startOffset == span.StartOffset && endOffset == span.EndOffset && startLine == span.StartLine
               && startColumn == span.StartColumn && endLine == span.EndLine && endColumn == span.EndColumn
            ? span
            : span with
            {
                StartLine = startLine, StartColumn = startColumn, StartOffset = startOffset,
                EndLine = endLine, EndColumn = endColumn, EndOffset = endOffset,
            };
    }

    private (int Line, int Column, int Offset) Clamp(int line, int column, int offset)
    {
        bool pastEnd = offset > length || line > lastLine || (line == lastLine && column > lastColumn);
        if (pastEnd) return (lastLine, lastColumn, length);
        return (Math.Max(line, 1), Math.Max(column, 1), Math.Max(offset, 0));
    }
}
