namespace NasRec.Runtime.Data.Sources;

/// <summary>Turns a line of another text format into the tab-separated line of the dataset's positional columns.</summary>
public interface ILineRewriter
{
    /// <summary>The rewritten line, in <paramref name="buffer"/> (grown as needed); a line it cannot read may come back unchanged, for the column check to report.</summary>
    ReadOnlySpan<byte> Rewrite(ReadOnlySpan<byte> line, ref byte[] buffer);
}
