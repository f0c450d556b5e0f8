using System.Globalization;
using System.Text;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;
using Parquet;
using Parquet.Schema;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Reads a Parquet file (Parquet.Net) row group by row group, columns by name. Nulls are missing
/// values; a label is an integer or boolean 0/1; dense columns are numbers; categorical values of
/// any type go through the feature's encoding as text (integers as decimal digits).
/// </summary>
public sealed class ParquetSource : IRowSource
{
    private const int Slice = 1 << 16;
    private readonly DatasetSchema schema;

    public ParquetSource(DatasetSchema schema) => this.schema = schema;

    public long RowsRead { get; private set; }

    public ColumnLayout Probe(string path) => Run(path, async () =>
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        return Layout(reader, path);
    });

    public void Read(InputFile input, long firstRow, BadRows bad, Action<RowBlock> sink)
    {
        RowsRead = Run(input.Path, () => ReadAll(input.Path, firstRow, bad, sink));
        if (RowsRead == 0) throw new DataException($"{input.Path}: the file holds no rows; expected at least one row");
    }

    private async Task<long> ReadAll(string path, long firstRow, BadRows bad, Action<RowBlock> sink)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var layout = Layout(reader, path);
        var fields = reader.Schema.GetDataFields();
        var block = new RowBlock(layout.DenseColumns.Length, layout.SparseColumns.Length);
        var text = new byte[64];
        long row = firstRow;
        for (int group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var columns = new Dictionary<int, Array>();
            foreach (var column in layout.DenseColumns.Append(layout.LabelColumn).Concat(layout.SparseColumns).Where(c => c >= 0).Distinct())
            {
                columns[column] = await Column(rowGroup, fields[column]);
            }
            for (int i = 0; i < rowGroup.RowCount; i++, row++)
            {
                if (block.Count == Slice)
                {
                    sink(block);
                    block.Clear();
                }
                ReadRow(layout, columns, i, new DataLocation(path, i, null, group), row, block, bad, ref text);
            }
        }
        if (block.Count > 0) sink(block);
        return row - firstRow;
    }

    /// <summary>A column of a row group as an array of its CLR type (nullable when the field is).</summary>
    private static async Task<Array> Column(ParquetRowGroupReader rowGroup, DataField field)
    {
        int n = checked((int)rowGroup.RowCount);
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[n];
            await rowGroup.ReadAsync(field, strings.AsMemory());
            return strings;
        }
        return field.ClrType switch
        {
            var t when t == typeof(int) => await Values<int>(rowGroup, field, n),
            var t when t == typeof(long) => await Values<long>(rowGroup, field, n),
            var t when t == typeof(short) => await Values<short>(rowGroup, field, n),
            var t when t == typeof(byte) => await Values<byte>(rowGroup, field, n),
            var t when t == typeof(bool) => await Values<bool>(rowGroup, field, n),
            var t when t == typeof(float) => await Values<float>(rowGroup, field, n),
            var t when t == typeof(double) => await Values<double>(rowGroup, field, n),
            var t => throw new NotSupportedException($"column '{field.Name}' holds {t.Name} values; supported: strings, integers, floating point and booleans"),
        };
    }

    private static async Task<Array> Values<T>(ParquetRowGroupReader rowGroup, DataField field, int n) where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[n];
            await rowGroup.ReadAsync<T>(field, nullable.AsMemory());
            return nullable;
        }
        var values = new T[n];
        await rowGroup.ReadAsync<T>(field, values.AsMemory());
        return values;
    }

    private static void ReadRow(ColumnLayout layout, Dictionary<int, Array> columns, int i, DataLocation where, long sourceRow, RowBlock block, BadRows bad, ref byte[] text)
    {
        int row = block.Add(sourceRow);
        var label = columns[layout.LabelColumn].GetValue(i);
        if (label is not (0 or 1 or 0L or 1L or true or false or (byte)0 or (byte)1 or (short)0 or (short)1))
        {
            block.RemoveLast();
            bad.Report("bad labels", new DataException(where with { Column = layout.Describe(layout.LabelColumn) }, LabelValue.Expected, Show(label)));
            return;
        }
        block.Label(row) = Convert.ToByte(label, CultureInfo.InvariantCulture);

        var dense = block.DenseOf(row);
        for (int f = 0; f < dense.Length; f++)
        {
            int column = layout.DenseColumns[f];
            if (column < 0) continue;
            var value = columns[column].GetValue(i);
            if (value is null) block.MarkMissing(row, f);
            if (value is not (null or int or long or float or double or short or byte))
            {
                block.RemoveLast();
                bad.Report("non-numeric dense values", new DataException(where with { Column = layout.Describe(column) }, DenseValue.Expected, Show(value)));
                return;
            }
            dense[f] = DenseValue.Transform(value is null ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture), layout.DenseTransforms[f]);
        }

        var sparse = block.SparseOf(row);
        for (int f = 0; f < sparse.Length; f++)
        {
            int column = layout.SparseColumns[f];
            var value = columns[column].GetValue(i);
            string cell = value switch
            {
                null => "",
                string s => s,
                IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            int length = Encoding.UTF8.GetMaxByteCount(cell.Length);
            if (text.Length < length) text = new byte[length];
            int written = Encoding.UTF8.GetBytes(cell, text);
            if (!CategoricalValue.TryEncode(text.AsSpan(0, written), layout.SparseEncodings[f], out sparse[f]))
            {
                block.RemoveLast();
                bad.Report("bad categorical values", new DataException(where with { Column = layout.Describe(column) }, CategoricalValue.Expected(layout.SparseEncodings[f]), Show(value)));
                return;
            }
        }
    }

    private ColumnLayout Layout(ParquetReader reader, string path) =>
        ColumnLayout.Resolve(schema, reader.Schema.GetDataFields().Select(f => f.Name).ToList(), path);

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

    private static string Show(object? value) => value switch
    {
        null => "a null",
        string s => "'" + s + "'",
        _ => "'" + Convert.ToString(value, CultureInfo.InvariantCulture) + "' (" + value.GetType().Name + ")",
    };
}
