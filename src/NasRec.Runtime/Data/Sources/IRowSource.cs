namespace NasRec.Runtime.Data.Sources;

/// <summary>A raw input format: checks a file against the dataset up front, then streams its rows.</summary>
public interface IRowSource
{
    /// <summary>Checks that the file can feed the dataset (columns, first row) before any work; throws <see cref="DataException"/>.</summary>
    ColumnLayout Probe(string path);

    /// <summary>Streams every data row into blocks; <paramref name="firstRow"/> numbers the first one (for indices).</summary>
    void Read(InputFile input, long firstRow, BadRows bad, Action<Store.RowBlock> sink);

    /// <summary>Data rows the last <see cref="Read"/> went through, bad ones included.</summary>
    long RowsRead { get; }
}
