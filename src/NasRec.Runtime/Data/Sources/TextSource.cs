using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Streams a text file (tsv, csv, or libsvm and kdd2012 lines rewritten to tsv; gzip or not) into store rows: chunks of whole lines, each chunk cut
/// at line ends into one part per core and parsed in parallel, the parts handed on in file order.
/// Memory is a few chunks, whatever the file's length.
/// </summary>
public sealed class TextSource : IRowSource
{
    private const int ChunkSize = 4 << 20;
    private readonly DatasetSchema schema;
    private readonly int parts = Math.Clamp(Environment.ProcessorCount, 1, 8);

    private readonly ILineRewriter? rewriter;

    public TextSource(DatasetSchema schema, ILineRewriter? rewriter = null)
    {
        this.schema = schema;
        this.rewriter = rewriter;
    }

    /// <summary>The format the parser splits: rewritten lines are tab-separated.</summary>
    private DataFormat LineFormat => rewriter is null ? schema.Source.Format : DataFormat.Tsv;

    public ColumnLayout Probe(string path)
    {
        using var input = new InputFile(path);
        var buffer = new byte[1 << 20];
        int filled = FillFrom(input.Content, buffer, 0);
        var (layout, dataStart) = Head(buffer.AsSpan(0, filled), path);
        var rows = buffer.AsSpan(dataStart, filled - dataStart);
        int end = rows.IndexOf((byte)'\n');
        var first = end < 0 ? rows : rows[..(end + 1)];
        // The first data row must have the declared columns before any work starts; bad values are the run's concern.
        var block = new RowBlock(layout.DenseColumns.Length, layout.SparseColumns.Length);
        new DelimitedLineParser(layout, path, LineFormat, rewriter).ParseLines(first, schema.Source.Header ? 2 : 1, 0, block, new BadRows(skip: false));
        return layout;
    }

    public void Read(InputFile input, long firstRow, BadRows bad, Action<RowBlock> sink)
    {
        var buffer = new byte[ChunkSize];
        int filled = FillFrom(input.Content, buffer, 0);
        var (layout, start) = Head(buffer.AsSpan(0, filled), input.Path);
        long line = schema.Source.Header ? 2 : 1;
        var workers = Enumerable.Range(0, parts).Select(_ => new Worker(new DelimitedLineParser(layout, input.Path, LineFormat, rewriter), layout, bad.Skip)).ToArray();
        long row = firstRow;
        bool rowsSeen = false;
        while (true)
        {
            bool atEnd = filled < buffer.Length;
            var data = buffer.AsSpan(start, filled - start);
            int complete = atEnd ? data.Length : data.LastIndexOf((byte)'\n') + 1;
            if (complete == 0 && !atEnd)
            {
                // A line longer than the buffer: grow it and read on.
                Array.Resize(ref buffer, buffer.Length * 2);
                filled = FillFrom(input.Content, buffer, filled);
                continue;
            }
            if (complete > 0)
            {
                rowsSeen = true;
                long lines = ParseParallel(buffer, start, complete, line, row, workers, bad, sink);
                line += lines;
                row += lines;
            }
            if (atEnd) break;
            int rest = filled - start - complete;
            Buffer.BlockCopy(buffer, start + complete, buffer, 0, rest);
            start = 0;
            filled = FillFrom(input.Content, buffer, rest);
        }
        if (!rowsSeen) throw new DataException($"{input.Path}: the file holds a header and no rows; expected at least one row");
        RowsRead = row - firstRow;
    }

    /// <summary>Data rows (good and bad) the last <see cref="Read"/> went through.</summary>
    public long RowsRead { get; private set; }

    /// <summary>The column layout (from the header, or the dataset's positional columns) and where the data rows start.</summary>
    private (ColumnLayout Layout, int DataStart) Head(ReadOnlySpan<byte> start, string path)
    {
        if (start.IsEmpty) throw new DataException($"{path}: the file is empty; expected {(schema.Source.Header ? "a header and " : "")}at least one row");
        if (!schema.Source.Header) return (ColumnLayout.Resolve(schema, schema.PositionalColumns(), path), 0);
        int end = start.IndexOf((byte)'\n');
        if (end < 0) end = start.Length;
        var names = DelimitedLineParser.HeaderNames(start[..end], schema.Source.Format);
        return (ColumnLayout.Resolve(schema, names, path), Math.Min(end + 1, start.Length));
    }

    /// <summary>Parses buffer[start, start + length) in parts; returns the number of lines.</summary>
    private static long ParseParallel(byte[] buffer, int start, int length, long firstLine, long firstRow, Worker[] workers, BadRows bad, Action<RowBlock> sink)
    {
        // Cut at line ends into at most one part per worker.
        var bounds = new List<int> { start };
        for (int p = 1; p < workers.Length; p++)
        {
            int target = start + (int)((long)length * p / workers.Length);
            if (target <= bounds[^1]) continue;
            int cut = buffer.AsSpan(target, start + length - target).IndexOf((byte)'\n');
            if (cut < 0) break;
            int bound = target + cut + 1;
            if (bound < start + length && bound > bounds[^1]) bounds.Add(bound);
        }
        bounds.Add(start + length);

        int count = bounds.Count - 1;
        var lineOffsets = new long[count + 1];
        for (int p = 0; p < count; p++)
        {
            var part = buffer.AsSpan(bounds[p], bounds[p + 1] - bounds[p]);
            lineOffsets[p + 1] = lineOffsets[p] + part.Count((byte)'\n') + (part.Length > 0 && part[^1] != (byte)'\n' ? 1 : 0);
        }
        Parallel.For(0, count, p => workers[p].Parse(buffer.AsSpan(bounds[p], bounds[p + 1] - bounds[p]), firstLine + lineOffsets[p], firstRow + lineOffsets[p]));
        for (int p = 0; p < count; p++)
        {
            workers[p].HandOn(bad, sink);
        }
        return lineOffsets[count];
    }

    private static int FillFrom(Stream stream, byte[] buffer, int offset)
    {
        int filled = offset;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    /// <summary>One part's parser, block and bad-row report, reused across chunks.</summary>
    private sealed class Worker(DelimitedLineParser parser, ColumnLayout layout, bool skip)
    {
        private readonly RowBlock block = new(layout.DenseColumns.Length, layout.SparseColumns.Length);
        private BadRows bad = new(skip);
        private DataException? error;

        public void Parse(ReadOnlySpan<byte> lines, long firstLine, long firstRow)
        {
            block.Clear();
            bad = new BadRows(skip);
            error = null;
            try
            {
                parser.ParseLines(lines, firstLine, firstRow, block, bad);
            }
            catch (DataException e)
            {
                error = e;
            }
        }

        /// <summary>Passes the rows on, or the part's first error (parts are handed on in file order, so the earliest wins).</summary>
        public void HandOn(BadRows total, Action<RowBlock> sink)
        {
            if (error is not null) throw error;
            total.Add(bad);
            if (block.Count > 0) sink(block);
        }
    }
}
