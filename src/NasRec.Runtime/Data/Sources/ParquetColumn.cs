using System.Globalization;
using System.Numerics;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace NasRec.Runtime.Data.Sources;

/// <summary>One column of a Parquet row group, read into an array of its own type, so that no value is boxed.</summary>
internal abstract class ParquetColumn
{
    public abstract int Count { get; }

    public abstract bool IsNull(int i);

    /// <summary>Exactly 0 or 1 (a number or a boolean).</summary>
    public abstract bool TryLabel(int i, out byte label);

    /// <summary>The value as a number; false when the column does not hold numbers.</summary>
    public abstract bool TryNumber(int i, out double value);

    /// <summary>The value as UTF-8 text (numbers as invariant digits) in <paramref name="buffer"/>, grown as needed; returns its length.</summary>
    public abstract int Text(int i, ref byte[] buffer);

    /// <summary>The value for a message.</summary>
    public abstract string Show(int i);

    public static async Task<ParquetColumn> Read(ParquetRowGroupReader rowGroup, DataField field)
    {
        int n = checked((int)rowGroup.RowCount);
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[n];
            await rowGroup.ReadAsync(field, strings.AsMemory());
            return new Strings(strings);
        }
        if (field.ClrType == typeof(bool)) return new Booleans(await Values<bool>(rowGroup, field, n));
        return field.ClrType switch
        {
            var t when t == typeof(int) => new Numbers<int>(await Values<int>(rowGroup, field, n)),
            var t when t == typeof(long) => new Numbers<long>(await Values<long>(rowGroup, field, n)),
            var t when t == typeof(short) => new Numbers<short>(await Values<short>(rowGroup, field, n)),
            var t when t == typeof(byte) => new Numbers<byte>(await Values<byte>(rowGroup, field, n)),
            var t when t == typeof(float) => new Numbers<float>(await Values<float>(rowGroup, field, n)),
            var t when t == typeof(double) => new Numbers<double>(await Values<double>(rowGroup, field, n)),
            var t => throw new NotSupportedException($"column '{field.Name}' holds {t.Name} values; supported: strings, integers, floating point and booleans"),
        };
    }

    private static async Task<T?[]> Values<T>(ParquetRowGroupReader rowGroup, DataField field, int n) where T : struct
    {
        var values = new T?[n];
        if (field.IsNullable)
        {
            await rowGroup.ReadAsync<T>(field, values.AsMemory());
            return values;
        }
        var required = new T[n];
        await rowGroup.ReadAsync<T>(field, required.AsMemory());
        for (int i = 0; i < n; i++) values[i] = required[i];
        return values;
    }

    private sealed class Numbers<T>(T?[] values) : ParquetColumn where T : struct, INumberBase<T>
    {
        public override int Count => values.Length;

        public override bool IsNull(int i) => !values[i].HasValue;

        public override bool TryLabel(int i, out byte label)
        {
            var value = values[i].GetValueOrDefault();
            label = T.IsZero(value) ? (byte)0 : (byte)1;
            return values[i].HasValue && (T.IsZero(value) || value == T.One);
        }

        public override bool TryNumber(int i, out double value)
        {
            value = double.CreateTruncating(values[i].GetValueOrDefault());
            return true;
        }

        public override int Text(int i, ref byte[] buffer)
        {
            var value = values[i].GetValueOrDefault();
            int written;
            while (!value.TryFormat(buffer, out written, default, CultureInfo.InvariantCulture)) buffer = new byte[buffer.Length * 2];
            return written;
        }

        public override string Show(int i) => values[i] is { } value ? $"'{value.ToString(null, CultureInfo.InvariantCulture)}' ({typeof(T).Name})" : "a null";
    }

    private sealed class Booleans(bool?[] values) : ParquetColumn
    {
        public override int Count => values.Length;

        public override bool IsNull(int i) => !values[i].HasValue;

        public override bool TryLabel(int i, out byte label)
        {
            label = values[i] == true ? (byte)1 : (byte)0;
            return values[i].HasValue;
        }

        public override bool TryNumber(int i, out double value)
        {
            value = 0;
            return false;
        }

        public override int Text(int i, ref byte[] buffer) => Utf8(values[i].GetValueOrDefault() ? bool.TrueString : bool.FalseString, ref buffer);

        public override string Show(int i) => values[i] is { } value ? $"'{value}' (Boolean)" : "a null";
    }

    private sealed class Strings(string?[] values) : ParquetColumn
    {
        public override int Count => values.Length;

        public override bool IsNull(int i) => values[i] is null;

        public override bool TryLabel(int i, out byte label)
        {
            label = 0;
            return false;
        }

        public override bool TryNumber(int i, out double value)
        {
            value = 0;
            return false;
        }

        public override int Text(int i, ref byte[] buffer) => Utf8(values[i] ?? "", ref buffer);

        public override string Show(int i) => values[i] is { } value ? "'" + value + "'" : "a null";
    }

    private static int Utf8(string text, ref byte[] buffer)
    {
        int length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length < length) buffer = new byte[length];
        return Encoding.UTF8.GetBytes(text, buffer);
    }
}
