using System.Buffers.Text;

namespace NasRec.Runtime.Data.Synthetic;

/// <summary>Writes rows in Criteo's TSV layout through a reused byte buffer (no per-row allocation).</summary>
internal sealed class TsvRowWriter(Stream output, SyntheticCtrModel model) : ISyntheticRowWriter
{
    // A row is at most 2 + 13 * 12 + 26 * 9 bytes; flush before one could overflow.
    private const int MaxRowBytes = 512;
    private readonly byte[] buffer = new byte[1 << 20];
    private int length;

    public void Write(SyntheticRow row)
    {
        if (length > buffer.Length - MaxRowBytes) Flush();
        var span = buffer.AsSpan();
        span[length++] = (byte)('0' + row.Label);
        for (int d = 0; d < row.Dense.Length; d++)
        {
            span[length++] = (byte)'\t';
            if (row.DenseMissing[d]) continue;
            Utf8Formatter.TryFormat(row.Dense[d], span[length..], out int written);
            length += written;
        }
        for (int j = 0; j < row.Category.Length; j++)
        {
            span[length++] = (byte)'\t';
            if (row.Category[j] == SyntheticRow.Missing) continue;
            model.CategoryHexUtf8(j, row.Category[j]).CopyTo(span[length..]);
            length += 8;
        }
        span[length++] = (byte)'\n';
    }

    public void Complete() => Flush();

    public void Dispose() { }

    private void Flush()
    {
        output.Write(buffer, 0, length);
        length = 0;
    }
}
