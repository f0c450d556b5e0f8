using System.Runtime.InteropServices;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Streams a text file (tsv, csv, or libsvm and kdd2012 lines rewritten to tsv; gzip or not) into store rows: chunks of whole records, each chunk cut
/// at record ends into one part per core and parsed in parallel, the parts handed on in file order.
/// Memory is a few chunks, whatever the file's length.
/// </summary>
public sealed class TextSource : IRowSource
{
    private const int ChunkSize = 4 << 20;

    /// <summary>A record longer than this is taken for a quoted field that never closes (rather than reading the rest of the file into memory).</summary>
    private const int LongestRecord = 64 << 20;

    private readonly DatasetSchema schema;
    private readonly int parts = Math.Clamp(Environment.ProcessorCount, 1, 8);

    private readonly ILineRewriter? rewriter;
    private readonly bool labelled;

    /// <param name="labelled">False for rows to score that come without the label column.</param>
    public TextSource(DatasetSchema schema, ILineRewriter? rewriter = null, bool labelled = true)
    {
        this.schema = schema;
        this.rewriter = rewriter;
        this.labelled = labelled;
    }

    /// <summary>The format the parser splits: rewritten lines are tab-separated.</summary>
    private DataFormat LineFormat => rewriter is null ? schema.Source.Format : DataFormat.Tsv;

    private RecordFraming Framing => RecordFraming.Of(LineFormat);

    public ColumnLayout Probe(string path)
    {
        using var input = new InputFile(path);
        var buffer = new byte[1 << 20];
        int filled = FillFrom(input.Content, buffer, 0);
        var (layout, dataStart, lines) = Head(buffer.AsSpan(0, filled), path);
        var rows = buffer.AsSpan(dataStart, filled - dataStart);
        int end = Framing.End(rows);
        var first = end < 0 ? rows : rows[..(end + 1)];
        // The first data row must have the declared columns before any work starts; bad values are the run's concern.
        var blocks = RowSplits.Blocks(layout.DenseColumns.Length, layout.SparseColumns.Length);
        Parser(layout, path).ParseRecords(first, lines + 1, 0, RowSplits.All(DataSplit.Train), blocks, new BadRows(skip: false));
        return layout;
    }

    public void ReadLabels(InputFile input, List<byte> labels, Action advanced)
    {
        // One thread is enough for labels (the hash runs on another core); more only spin.
        RowsRead = ForEachChunk(input, layout =>
        {
            var parser = Parser(layout, input.Path);
            return (buffer, chunk) =>
            {
                foreach (var part in chunk)
                {
                    int first = labels.Count;
                    CollectionsMarshal.SetCount(labels, checked(first + (int)part.Records));
                    parser.ReadLabels(buffer.AsSpan(part.Start, part.Length), CollectionsMarshal.AsSpan(labels)[first..]);
                }
                advanced();
            };
        });
    }

    public void Read(InputFile input, long firstRow, RowSplits splits, BadRows bad, Action<DataSplit, RowBlock> sink)
    {
        // Two sets of workers: one set's rows are handed on (written) while the other parses the next chunk.
        var handingOn = Task.CompletedTask;
        try
        {
            RowsRead = ForEachChunk(input, layout =>
            {
                var sets = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, parts).Select(_ => new Worker(Parser(layout, input.Path), layout, bad.Skip)).ToArray()).ToArray();
                int chunks = 0;
                return (buffer, chunk) =>
                {
                    var workers = sets[chunks++ % 2];
                    Parallel.For(0, chunk.Length, p => workers[p].Parse(buffer.AsSpan(chunk[p].Start, chunk[p].Length), chunk[p].FirstLine, firstRow + chunk[p].FirstRow, splits));
                    handingOn.GetAwaiter().GetResult();
                    handingOn = Task.Run(() =>
                    {
                        for (int p = 0; p < chunk.Length; p++) workers[p].HandOn(bad, sink);
                    });
                };
            });
        }
        finally
        {
            // Never return with rows still being handed on; a failure there is in an earlier chunk, so it wins.
            handingOn.GetAwaiter().GetResult();
        }
    }

    /// <summary>Data rows (good and bad) the last <see cref="Read"/> or <see cref="ReadLabels"/> went through.</summary>
    public long RowsRead { get; private set; }

    private DelimitedLineParser Parser(ColumnLayout layout, string path) => new(layout, path, LineFormat, rewriter);

    /// <summary>What to do with one chunk: its buffer and its parts (at most one per core).</summary>
    private delegate void ChunkHandler(byte[] buffer, Part[] chunk);

    /// <summary>
    /// Reads the file chunk by chunk, cuts each chunk's whole records into parts and hands them to the
    /// handler made for the file's layout; returns the number of data rows.
    /// </summary>
    private long ForEachChunk(InputFile input, Func<ColumnLayout, ChunkHandler> handlerFor)
    {
        var buffer = new byte[ChunkSize];
        int filled = FillFrom(input.Content, buffer, 0);
        var (layout, start, headerLines) = Head(buffer.AsSpan(0, filled), input.Path);
        var handle = handlerFor(layout);
        var framing = Framing;
        long line = headerLines + 1;
        long row = 0;
        while (true)
        {
            bool atEnd = filled < buffer.Length;
            var data = buffer.AsSpan(start, filled - start);
            int complete = atEnd ? data.Length : framing.Complete(data);
            if (complete == 0 && !atEnd)
            {
                // A record longer than the buffer: grow it and read on.
                if (buffer.Length >= LongestRecord)
                    throw new DataException(new DataLocation(input.Path, line), $"a record shorter than {LongestRecord >> 20} MiB", "a longer one (a quoted field that does not close?)");
                Array.Resize(ref buffer, buffer.Length * 2);
                filled = FillFrom(input.Content, buffer, filled);
                continue;
            }
            if (complete > 0)
            {
                var chunk = Cut(buffer, start, complete, framing, line, row);
                handle(buffer, chunk);
                line = chunk[^1].FirstLine + chunk[^1].Lines;
                row = chunk[^1].FirstRow + chunk[^1].Records;
            }
            if (atEnd) break;
            int rest = filled - start - complete;
            Buffer.BlockCopy(buffer, start + complete, buffer, 0, rest);
            start = 0;
            filled = FillFrom(input.Content, buffer, rest);
        }
        if (row == 0) throw new DataException($"{input.Path}: the file holds a header and no rows; expected at least one row");
        return row;
    }

    /// <summary>The column layout (from the header, or the dataset's positional columns), where the data rows start, and the lines before them.</summary>
    private (ColumnLayout Layout, int DataStart, long HeaderLines) Head(ReadOnlySpan<byte> start, string path)
    {
        if (start.IsEmpty) throw new DataException($"{path}: the file is empty; expected {(schema.Source.Header ? "a header and " : "")}at least one row");
        if (!schema.Source.Header) return (ColumnLayout.Resolve(schema, schema.PositionalColumns(labelled), path, labelled), 0, 0);
        int end = Framing.End(start);
        if (end < 0) end = start.Length;
        var names = DelimitedLineParser.HeaderNames(start[..end], schema.Source.Format);
        return (ColumnLayout.Resolve(schema, names, path, labelled), Math.Min(end + 1, start.Length), start[..end].Count((byte)'\n') + 1);
    }

    /// <summary>Cuts buffer[start, start + length) at record ends into at most one part per core, numbering their lines and rows.</summary>
    private Part[] Cut(byte[] buffer, int start, int length, RecordFraming framing, long firstLine, long firstRow)
    {
        var data = buffer.AsSpan(start, length);
        var bounds = new List<int> { 0 };
        for (int p = 1; p < parts; p++)
        {
            int target = (int)((long)length * p / parts);
            if (target <= bounds[^1]) continue;
            int bound = framing.BoundaryAfter(data[bounds[^1]..], target - bounds[^1]);
            if (bound < 0 || bounds[^1] + bound >= length) break;
            bounds.Add(bounds[^1] + bound);
        }
        bounds.Add(length);

        var chunk = new Part[bounds.Count - 1];
        long line = firstLine, row = firstRow;
        for (int p = 0; p < chunk.Length; p++)
        {
            var (records, lines) = framing.Count(data[bounds[p]..bounds[p + 1]]);
            chunk[p] = new Part(start + bounds[p], bounds[p + 1] - bounds[p], line, row, records, lines);
            line += lines;
            row += records;
        }
        return chunk;
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

    /// <summary>Whole records of a chunk: where in the buffer, the 1-based line and 0-based row of the first, how many of each.</summary>
    private readonly record struct Part(int Start, int Length, long FirstLine, long FirstRow, long Records, long Lines);

    /// <summary>One part's parser, blocks (one per split) and bad-row report, reused across chunks.</summary>
    private sealed class Worker(DelimitedLineParser parser, ColumnLayout layout, bool skip)
    {
        private readonly RowBlock[] blocks = RowSplits.Blocks(layout.DenseColumns.Length, layout.SparseColumns.Length);
        private BadRows bad = new(skip);
        private DataException? error;

        public void Parse(ReadOnlySpan<byte> records, long firstLine, long firstRow, RowSplits splits)
        {
            foreach (var block in blocks) block.Clear();
            bad = new BadRows(skip);
            error = null;
            try
            {
                parser.ParseRecords(records, firstLine, firstRow, splits, blocks, bad);
            }
            catch (DataException e)
            {
                error = e;
            }
        }

        /// <summary>Passes each split's rows on, or the part's first error (parts are handed on in file order, so the earliest wins).</summary>
        public void HandOn(BadRows total, Action<DataSplit, RowBlock> sink)
        {
            if (error is not null) throw error;
            total.Add(bad);
            for (int split = 0; split < RowSplits.Nowhere; split++)
            {
                if (blocks[split].Count > 0) sink((DataSplit)split, blocks[split]);
            }
        }
    }
}
