using System.Runtime.CompilerServices;
using NasRec.Dsl.Model;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Where the records of a delimited text end: at '\n', except inside a quoted CSV field (RFC 4180),
/// where a newline belongs to the field. Quotes open a field only at its start, as the parser reads them.
/// </summary>
public readonly struct RecordFraming(byte delimiter, bool quoting)
{
    /// <summary>CSV: comma-separated with quoting; every other text format: tab-separated lines.</summary>
    public static RecordFraming Of(DataFormat format) => format == DataFormat.Csv ? new((byte)',', quoting: true) : new((byte)'\t', quoting: false);

    public byte Delimiter => delimiter;

    public bool Quoting => quoting;

    /// <summary>The index of the '\n' that ends the record starting at <paramref name="text"/>[0]; -1 when the text ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int End(ReadOnlySpan<byte> text) => quoting ? QuotedEnd(text) : text.IndexOf((byte)'\n');

    private int QuotedEnd(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == (byte)'"')
            {
                // A quoted field: to its closing quote, stepping over doubled ones.
                while (true)
                {
                    int quote = text[(i + 1)..].IndexOf((byte)'"');
                    if (quote < 0) return -1;
                    i += quote + 2;
                    if (i < text.Length && text[i] == (byte)'"') continue;
                    break;
                }
            }
            int next = text[i..].IndexOfAny(delimiter, (byte)'\n');
            if (next < 0) return -1;
            i += next;
            if (text[i] == (byte)'\n') return i;
            i++;
        }
        return -1;
    }

    /// <summary>The offset just past the first record end at or after <paramref name="from"/> (text starting at a record); -1 when there is none.</summary>
    public int BoundaryAfter(ReadOnlySpan<byte> text, int from)
    {
        if (!quoting)
        {
            int at = text[from..].IndexOf((byte)'\n');
            return at < 0 ? -1 : from + at + 1;
        }
        int boundary = 0;
        while (boundary <= from)
        {
            int end = End(text[boundary..]);
            if (end < 0) return -1;
            boundary += end + 1;
        }
        return boundary;
    }

    /// <summary>The length of the whole records at the start of <paramref name="text"/>.</summary>
    public int Complete(ReadOnlySpan<byte> text)
    {
        if (!quoting) return text.LastIndexOf((byte)'\n') + 1;
        int complete = 0;
        while (true)
        {
            int end = End(text[complete..]);
            if (end < 0) return complete;
            complete += end + 1;
        }
    }

    /// <summary>The records (the last may lack its '\n') and the physical lines they span.</summary>
    public (long Records, long Lines) Count(ReadOnlySpan<byte> text)
    {
        long lines = text.Count((byte)'\n') + (text.Length > 0 && text[^1] != (byte)'\n' ? 1 : 0);
        if (!quoting) return (lines, lines);
        long records = 0;
        while (!text.IsEmpty)
        {
            int end = End(text);
            records++;
            text = end < 0 ? default : text[(end + 1)..];
        }
        return (records, lines);
    }
}
