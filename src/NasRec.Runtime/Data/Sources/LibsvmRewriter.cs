namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// libsvm as the CTR literature distributes Frappe or iPinYou: <c>label idx:val idx:val …</c>,
/// space-separated, the k-th pair being categorical field k with <c>idx</c> its value (<c>val</c>,
/// always 1 there, is ignored). Labels -1 and +1 read as 0 and 1. Dense features (transform zero)
/// get empty cells.
/// </summary>
public sealed class LibsvmRewriter(int zeroDenseColumns) : ILineRewriter
{
    public ReadOnlySpan<byte> Rewrite(ReadOnlySpan<byte> line, ref byte[] buffer)
    {
        if (buffer.Length < line.Length + zeroDenseColumns + 2) buffer = new byte[(line.Length + zeroDenseColumns + 2) * 2];
        int length = 0;
        bool first = true;
        foreach (var range in line.Split((byte)' '))
        {
            var token = line[range];
            if (token.IsEmpty) continue;
            if (first)
            {
                token = token.SequenceEqual("-1"u8) ? "0"u8 : token.SequenceEqual("+1"u8) ? "1"u8 : token;
                token.CopyTo(buffer.AsSpan(length));
                length += token.Length;
                for (int i = 0; i < zeroDenseColumns; i++) buffer[length++] = (byte)'\t';
                first = false;
                continue;
            }
            int colon = token.IndexOf((byte)':');
            var index = colon < 0 ? token : token[..colon];
            buffer[length++] = (byte)'\t';
            index.CopyTo(buffer.AsSpan(length));
            length += index.Length;
        }
        return buffer.AsSpan(0, length);
    }
}
