using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;
using Parquet;
using Parquet.Schema;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Reads a Parquet file (Parquet.Net) row group by row group, columns by name, each column with its
/// own type. Nulls are missing values; a label is a number or boolean 0/1; dense columns are numbers;
/// categorical values of any type go through the feature's encoding as text (numbers as invariant digits).
/// </summary>
public sealed class ParquetSource : IRowSource
{
    private readonly DatasetSchema schema;
    private readonly bool labelled;

    /// <param name="labelled">False for rows to score that come without the label column.</param>
    public ParquetSource(DatasetSchema schema, bool labelled = true)
    {
        this.schema = schema;
        this.labelled = labelled;
    }

    public long RowsRead { get; private set; }

    public ColumnLayout Probe(string path) => Run(path, async () =>
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        return Layout(reader, path);
    });

    public void ReadLabels(InputFile input, List<byte> labels, Action advanced)
    {
        RowsRead = Run(input.Path, () => ForEachRowGroup(input, async (rowGroup, _, layout, fields) =>
        {
            var label = await ParquetColumn.Read(rowGroup, fields[layout.LabelColumn]);
            for (int i = 0; i < label.Count; i++) labels.Add(label.TryLabel(i, out byte value) ? value : LabelValue.Unread);
            advanced();
        }));
    }

    public void Read(InputFile input, long firstRow, RowSplits splits, BadRows bad, Action<DataSplit, RowBlock> sink)
    {
        RowBlock[]? blocks = null;
        var text = new byte[64];
        long row = firstRow;
        RowsRead = Run(input.Path, () => ForEachRowGroup(input, async (rowGroup, group, layout, fields) =>
        {
            blocks ??= RowSplits.Blocks(layout.DenseColumns.Length, layout.SparseColumns.Length);
            foreach (var block in blocks) block.Clear();
            var columns = new Dictionary<int, ParquetColumn>();
            foreach (var column in layout.DenseColumns.Append(layout.LabelColumn).Concat(layout.SparseColumns).Where(c => c >= 0).Distinct())
            {
                columns[column] = await ParquetColumn.Read(rowGroup, fields[column]);
            }
            for (int i = 0; i < rowGroup.RowCount; i++, row++)
            {
                ReadRow(layout, columns, i, new DataLocation(input.Path, i, null, group), row, blocks[splits.Of(row)], bad, ref text);
            }
            for (int split = 0; split < RowSplits.Nowhere; split++)
            {
                if (blocks[split].Count > 0) sink((DataSplit)split, blocks[split]);
            }
        }));
    }

    /// <summary>
    /// Opens each row group in turn and hands it on; the input file's position moves along in proportion, so that
    /// progress advances per row group. Returns the rows.
    /// </summary>
    private async Task<long> ForEachRowGroup(InputFile input, Func<ParquetRowGroupReader, int, ColumnLayout, DataField[], Task> handle)
    {
        await using var reader = await ParquetReader.CreateAsync(input.Path);
        var layout = Layout(reader, input.Path);
        var fields = reader.Schema.GetDataFields();
        long rows = 0;
        for (int group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            input.ReadTo(input.Size * (group + 1) / reader.RowGroupCount);
            await handle(rowGroup, group, layout, fields);
            rows += rowGroup.RowCount;
        }
        if (rows == 0) throw new DataException($"{input.Path}: the file holds no rows; expected at least one row");
        return rows;
    }

    private static void ReadRow(ColumnLayout layout, Dictionary<int, ParquetColumn> columns, int i, DataLocation where, long sourceRow, RowBlock block, BadRows bad, ref byte[] text)
    {
        int row = block.Add(sourceRow);
        if (layout.Labelled && columns[layout.LabelColumn] is var label && !label.TryLabel(i, out block.Label(row)))
        {
            block.RemoveLast();
            bad.Report("bad labels", new DataException(where with { Column = layout.Describe(layout.LabelColumn) }, LabelValue.Expected, label.Show(i)));
            return;
        }

        var dense = block.DenseOf(row);
        for (int f = 0; f < dense.Length; f++)
        {
            int column = layout.DenseColumns[f];
            if (column < 0) continue;
            var values = columns[column];
            bool missing = values.IsNull(i);
            if (missing) block.MarkMissing(row, f);
            double value = 0;
            if (!missing && !values.TryNumber(i, out value))
            {
                block.RemoveLast();
                bad.Report("non-numeric dense values", new DataException(where with { Column = layout.Describe(column) }, DenseValue.Expected, values.Show(i)));
                return;
            }
            dense[f] = DenseValue.Transform(value, layout.DenseTransforms[f]);
        }

        var sparse = block.SparseOf(row);
        for (int f = 0; f < sparse.Length; f++)
        {
            int column = layout.SparseColumns[f];
            var values = columns[column];
            int length = values.IsNull(i) ? 0 : values.Text(i, ref text);
            if (!CategoricalValue.TryEncode(text.AsSpan(0, length), layout.SparseEncodings[f], out sparse[f]))
            {
                block.RemoveLast();
                bad.Report("bad categorical values", new DataException(where with { Column = layout.Describe(column) }, CategoricalValue.Expected(layout.SparseEncodings[f]), values.Show(i)));
                return;
            }
        }
    }

    private ColumnLayout Layout(ParquetReader reader, string path) =>
        ColumnLayout.Resolve(schema, reader.Schema.GetDataFields().Select(f => f.Name).ToList(), path, labelled);

    /// <summary>Runs Parquet.Net's asynchronous reading to completion; its failures become a <see cref="DataException"/> naming the file.</summary>
    private static T Run<T>(string path, Func<Task<T>> work)
    {
        try
        {
            return work().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not DataException and not OutOfMemoryException and not OperationCanceledException)
        {
            throw new DataException($"{path}: not a readable Parquet file ({e.Message})", e);
        }
    }
}
