using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Turns the records of a tab- or comma-separated file (a line each, except that a quoted CSV field
/// may hold newlines) into store rows, without a string per row: fields are spans of the record (a
/// quoted CSV field is unescaped into a reused buffer). One parser per thread; a bad row goes to
/// <see cref="BadRows"/> with its file, the line it starts on, and its column. The per-row loops are
/// compiled fully optimized at their first call: a prepare lasts seconds, too short for tiered
/// compilation, which would run the first chunks through unoptimized code.
/// </summary>
public sealed class DelimitedLineParser
{
    private readonly ColumnLayout layout;
    private readonly string file;
    private readonly byte delimiter;
    private readonly bool quoting;
    private readonly FieldSpan[] fields;
    private readonly int columnCount;
    private readonly Cell[]? cells;
    private byte[] unquoted = new byte[256];

    private readonly ILineRewriter? rewriter;
    private byte[] rewritten = new byte[256];

    /// <param name="rewriter">For formats read as tab-separated lines after a rewrite (libsvm, kdd2012).</param>
    public DelimitedLineParser(ColumnLayout layout, string file, DataFormat format, ILineRewriter? rewriter = null)
    {
        this.layout = layout;
        this.file = file;
        this.rewriter = rewriter;
        Framing = RecordFraming.Of(format);
        delimiter = Framing.Delimiter;
        quoting = Framing.Quoting;
        columnCount = layout.Columns.Count;
        fields = new FieldSpan[columnCount + 1];
        cells = quoting ? null : Cells(layout);
    }

    /// <summary>What each column feeds, for <see cref="TrySweep"/>; null when a column feeds more than one thing.</summary>
    private static Cell[]? Cells(ColumnLayout layout)
    {
        var cells = new Cell[layout.Columns.Count];
        bool Set(int column, Cell cell)
        {
            if (cells[column].Kind != CellKind.Unused) return false;
            cells[column] = cell;
            return true;
        }
        if (layout.Labelled && !Set(layout.LabelColumn, new Cell(CellKind.Label, 0, default, default))) return null;
        for (int i = 0; i < layout.DenseColumns.Length; i++)
        {
            if (layout.DenseColumns[i] >= 0 && !Set(layout.DenseColumns[i], new Cell(CellKind.Dense, i, layout.DenseTransforms[i], default))) return null;
        }
        for (int i = 0; i < layout.SparseColumns.Length; i++)
        {
            if (!Set(layout.SparseColumns[i], new Cell(CellKind.Sparse, i, default, layout.SparseEncodings[i]))) return null;
        }
        return cells;
    }

    /// <summary>How this parser's records end (a quoted CSV field may hold newlines).</summary>
    public RecordFraming Framing { get; }

    /// <summary>
    /// Parses whole records (each ending in '\n', the last one may not) into the block of each row's
    /// split, <paramref name="blocks"/>[<paramref name="splits"/>.Of(row)].
    /// <paramref name="firstLine"/> is the 1-based line number of the first, <paramref name="firstRow"/> its data row number.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ParseRecords(ReadOnlySpan<byte> text, long firstLine, long firstRow, RowSplits splits, RowBlock[] blocks, BadRows bad)
    {
        long line = firstLine;
        long row = firstRow;
        while (!text.IsEmpty)
        {
            var record = NextRecord(ref text);
            ParseLine(Content(record), line, row, blocks[splits.Of(row)], bad);
            line += LinesOf(record);
            row++;
        }
    }

    /// <summary>
    /// Reads only the label of each record into <paramref name="labels"/> (one per record), <see cref="LabelValue.Unread"/>
    /// for one that does not read: the full parse reports it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadLabels(ReadOnlySpan<byte> text, Span<byte> labels)
    {
        for (int i = 0; !text.IsEmpty; i++)
        {
            labels[i] = TryLabel(Content(NextRecord(ref text)), out byte label) ? label : LabelValue.Unread;
        }
    }

    // The helpers of the per-row loops are inlined into them: called, they would run unoptimized for the first chunks.

    /// <summary>Takes the first record off <paramref name="text"/>, with its '\n' if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> NextRecord(ref ReadOnlySpan<byte> text)
    {
        int end = Framing.End(text);
        var record = end < 0 ? text : text[..(end + 1)];
        text = end < 0 ? default : text[(end + 1)..];
        return record;
    }

    /// <summary>The physical lines a record spans (more than one when a quoted field holds newlines).</summary>
    private long LinesOf(ReadOnlySpan<byte> record) => quoting ? Math.Max(1, record.Count((byte)'\n')) : 1;

    /// <summary>A record without its line end, rewritten when the format needs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Content(ReadOnlySpan<byte> record)
    {
        if (!record.IsEmpty && record[^1] == (byte)'\n') record = record[..^1];
        if (!record.IsEmpty && record[^1] == (byte)'\r') record = record[..^1];
        return rewriter is null ? record : rewriter.Rewrite(record, ref rewritten);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryLabel(ReadOnlySpan<byte> line, out byte label)
    {
        label = 0;
        var field = line;
        if (quoting)
        {
            if (SplitInto(line) <= layout.LabelColumn) return false;
            field = Field(line, layout.LabelColumn);
        }
        else
        {
            // Only the fields up to the label's: the common case is a label in the first column.
            for (int k = 0; k < layout.LabelColumn; k++)
            {
                int at = field.IndexOf(delimiter);
                if (at < 0) return false;
                field = field[(at + 1)..];
            }
            // A label is one character: no need to find where a longer field ends.
            if (field.Length > 1 && field[1] != delimiter) return false;
            if (!field.IsEmpty) field = field[..1];
        }
        return LabelValue.TryParse(field, out label);
    }

    /// <summary>Splits a header line into column names (once per file, so it may allocate).</summary>
    public static IReadOnlyList<string> HeaderNames(ReadOnlySpan<byte> line, DataFormat format)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        byte delimiter = RecordFraming.Of(format).Delimiter;
        var names = new List<string>();
        var field = new List<byte>();
        bool inQuotes = false;
        for (int i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || (!inQuotes && line[i] == delimiter))
            {
                names.Add(Encoding.UTF8.GetString(field.ToArray()));
                field.Clear();
            }
            else if (format == DataFormat.Csv && line[i] == (byte)'"')
            {
                if (inQuotes && i + 1 < line.Length && line[i + 1] == (byte)'"') field.Add(line[++i]);
                else inQuotes = !inQuotes;
            }
            else
            {
                field.Add(line[i]);
            }
        }
        return names;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseLine(ReadOnlySpan<byte> line, long lineNumber, long sourceRow, RowBlock block, BadRows bad)
    {
        if (cells is not null && TrySweep(line, sourceRow, block, cells)) return;
        int count = SplitInto(line);
        if (count != columnCount)
        {
            var found = count < 0 ? "a quoted field that does not close"
                : count + (count == 1 && line.IsEmpty ? " (an empty line)" : layout.Labelled && count == columnCount - 1 ? ", one fewer: " + ColumnLayout.MissingLabelHint : "");
            bad.Report("rows with a wrong column count",
                new DataException(new DataLocation(file, lineNumber), layout.Columns.Count + " columns", found));
            return;
        }

        int row = block.Add(sourceRow);
        if (layout.Labelled && !LabelValue.TryParse(Field(line, layout.LabelColumn), out block.Label(row)))
        {
            Fail(block, bad, "bad labels", lineNumber, layout.LabelColumn, LabelValue.Expected, line);
            return;
        }
        // The layout's arrays as locals: read through the layout, they would be loaded again for every cell.
        ReadOnlySpan<int> denseColumns = layout.DenseColumns;
        ReadOnlySpan<DenseTransform> transforms = layout.DenseTransforms;
        var dense = block.DenseOf(row);
        for (int i = 0; i < dense.Length; i++)
        {
            int column = denseColumns[i];
            if (column < 0) continue;
            var text = Field(line, column);
            if (text.IsEmpty) block.MarkMissing(row, i);
            if (!DenseValue.TryParse(text, out var value))
            {
                Fail(block, bad, "non-numeric dense values", lineNumber, column, DenseValue.Expected, line);
                return;
            }
            dense[i] = DenseValue.Transform(value, transforms[i]);
        }
        ReadOnlySpan<int> sparseColumns = layout.SparseColumns;
        ReadOnlySpan<CategoricalEncoding> encodings = layout.SparseEncodings;
        var sparse = block.SparseOf(row);
        for (int i = 0; i < sparse.Length; i++)
        {
            int column = sparseColumns[i];
            var encoding = encodings[i];
            if (!CategoricalValue.TryEncode(Field(line, column), encoding, out sparse[i]))
            {
                Fail(block, bad, "bad categorical values", lineNumber, column, CategoricalValue.Expected(encoding), line);
                return;
            }
        }
    }

    /// <summary>
    /// <see cref="ParseLine"/> for a good line without quoting, in one sweep: each field is parsed where the delimiter
    /// search finds it, into what its column feeds, without recording where the fields are. False (the row taken back
    /// out of the block) at anything wrong: <see cref="ParseLine"/> then finds what and reports it, as for any line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TrySweep(ReadOnlySpan<byte> line, long sourceRow, RowBlock block, Cell[] cells)
    {
        int row = block.Add(sourceRow);
        var dense = block.DenseOf(row);
        var sparse = block.SparseOf(row);
        int column = 0;
        int start = 0;
        int i = 0;
        ref byte origin = ref MemoryMarshal.GetReference(line);
        var delimiters = Vector256.Create(delimiter);
        for (; i + Vector256<byte>.Count <= line.Length; i += Vector256<byte>.Count)
        {
            uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref origin, (nuint)i), delimiters).ExtractMostSignificantBits();
            for (; bits != 0; bits &= bits - 1)
            {
                int at = i + BitOperations.TrailingZeroCount(bits);
                if ((uint)column >= (uint)cells.Length - 1 || !TryCell(cells[column++], line[start..at], block, row, dense, sparse)) goto Bad;
                start = at + 1;
            }
        }
        for (; i < line.Length; i++)
        {
            if (line[i] != delimiter) continue;
            if ((uint)column >= (uint)cells.Length - 1 || !TryCell(cells[column++], line[start..i], block, row, dense, sparse)) goto Bad;
            start = i + 1;
        }
        if (column == cells.Length - 1 && TryCell(cells[column], line[start..], block, row, dense, sparse)) return true;
    Bad:
        block.RemoveLast();
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryCell(in Cell cell, ReadOnlySpan<byte> text, RowBlock block, int row, Span<float> dense, Span<long> sparse)
    {
        switch (cell.Kind)
        {
            case CellKind.Sparse:
                return CategoricalValue.TryEncode(text, cell.Encoding, out sparse[cell.Feature]);
            case CellKind.Dense:
                if (text.IsEmpty) block.MarkMissing(row, cell.Feature);
                if (!DenseValue.TryParse(text, out var value)) return false;
                dense[cell.Feature] = DenseValue.Transform(value, cell.Transform);
                return true;
            case CellKind.Label:
                return LabelValue.TryParse(text, out block.Label(row));
            default:
                return true;
        }
    }

    private void Fail(RowBlock block, BadRows bad, string kind, long lineNumber, int column, string expected, ReadOnlySpan<byte> line)
    {
        var found = Found(Field(line, column));
        block.RemoveLast();
        bad.Report(kind, new DataException(new DataLocation(file, lineNumber, layout.Describe(column)), expected, found));
    }

    /// <summary>A field's text: a span of the line, or of the unquoting buffer for a quoted CSV field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int column)
    {
        var field = fields[column];
        return field.Unquoted ? unquoted.AsSpan(field.Start, field.Length) : line.Slice(field.Start, field.Length);
    }

    /// <summary>Fills <see cref="fields"/> (up to one more than declared); returns the field count, or -1 for an unclosed quote.</summary>
    private int SplitInto(ReadOnlySpan<byte> line)
    {
        if (!quoting) return SplitUnquoted(line);
        int count = 0;
        int start = 0;
        int scratch = 0;
        while (true)
        {
            // More fields than declared: count the rest for the message (quotes aside), without keeping them.
            if (count == fields.Length) return count + 1 + line[start..].Count(delimiter);
            if (quoting && start < line.Length && line[start] == (byte)'"')
            {
                int end = Unquote(line, start, ref scratch, out int fieldStart);
                if (end < 0) return -1;
                fields[count++] = new FieldSpan(fieldStart, scratch - fieldStart, Unquoted: true);
                if (end >= line.Length) return count;
                if (line[end] != delimiter) return -1;
                start = end + 1;
                continue;
            }
            int next = line[start..].IndexOf(delimiter);
            if (next < 0)
            {
                fields[count++] = new FieldSpan(start, line.Length - start, Unquoted: false);
                return count;
            }
            fields[count++] = new FieldSpan(start, next, Unquoted: false);
            start += next + 1;
        }
    }

    /// <summary>
    /// <see cref="SplitInto"/> for a line without quoting: the delimiters are found 32 bytes at a time
    /// (a call per field costs more than the fields' few bytes). Returns the line's field count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SplitUnquoted(ReadOnlySpan<byte> line)
    {
        int count = 0;
        int start = 0;
        int i = 0;
        ref byte origin = ref MemoryMarshal.GetReference(line);
        var delimiters = Vector256.Create(delimiter);
        for (; i + Vector256<byte>.Count <= line.Length; i += Vector256<byte>.Count)
        {
            uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref origin, (nuint)i), delimiters).ExtractMostSignificantBits();
            for (; bits != 0; bits &= bits - 1)
            {
                if (count == fields.Length - 1) return line.Count(delimiter) + 1;
                int at = i + BitOperations.TrailingZeroCount(bits);
                fields[count++] = new FieldSpan(start, at - start, Unquoted: false);
                start = at + 1;
            }
        }
        for (; i < line.Length; i++)
        {
            if (line[i] != delimiter) continue;
            if (count == fields.Length - 1) return line.Count(delimiter) + 1;
            fields[count++] = new FieldSpan(start, i - start, Unquoted: false);
            start = i + 1;
        }
        fields[count++] = new FieldSpan(start, line.Length - start, Unquoted: false);
        return count;
    }

    /// <summary>Copies the quoted field at <paramref name="start"/> into the buffer; returns the index after its closing quote.</summary>
    private int Unquote(ReadOnlySpan<byte> line, int start, ref int scratch, out int fieldStart)
    {
        if (unquoted.Length < scratch + line.Length) Array.Resize(ref unquoted, Math.Max(unquoted.Length * 2, scratch + line.Length));
        fieldStart = scratch;
        int i = start + 1;
        while (i < line.Length)
        {
            if (line[i] == (byte)'"')
            {
                if (i + 1 < line.Length && line[i + 1] == (byte)'"')
                {
                    unquoted[scratch++] = (byte)'"';
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            unquoted[scratch++] = line[i++];
        }
        return -1;
    }

    private static string Found(ReadOnlySpan<byte> text) =>
        text.IsEmpty ? "an empty value" : "'" + Encoding.UTF8.GetString(text.Length > 40 ? text[..40] : text) + (text.Length > 40 ? "…'" : "'");

    /// <summary>Where a field's text is: in the line, or (a quoted CSV field) in the unquoting buffer.</summary>
    private readonly record struct FieldSpan(int Start, int Length, bool Unquoted);

    private enum CellKind : byte { Unused, Label, Dense, Sparse }

    /// <summary>What a column feeds: the label, or a dense or sparse feature (its index, transform or encoding).</summary>
    private readonly record struct Cell(CellKind Kind, int Feature, DenseTransform Transform, CategoricalEncoding Encoding);
}
