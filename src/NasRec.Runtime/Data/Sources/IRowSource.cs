namespace NasRec.Runtime.Data.Sources;

/// <summary>A raw input format: checks a file against the dataset up front, then streams its labels or its rows.</summary>
public interface IRowSource
{
    /// <summary>Checks that the file can feed the dataset (columns, first row) before any work; throws <see cref="DataException"/>.</summary>
    ColumnLayout Probe(string path);

    /// <summary>
    /// Appends the label of every data row to <paramref name="labels"/> (the split's first pass, as the reference's
    /// split tool reads only labels before it assigns folds): <see cref="Encodings.LabelValue.Unread"/> for a
    /// row whose label does not read, which <see cref="Read"/> then reports. <paramref name="advanced"/> is called
    /// after each chunk or row group.
    /// </summary>
    void ReadLabels(InputFile input, List<byte> labels, Action advanced);

    /// <summary>
    /// Streams every data row into blocks, each row into the block of its split; <paramref name="firstRow"/> numbers
    /// the first one (for <paramref name="splits"/> and indices). Rows of no split are checked, not handed on.
    /// </summary>
    void Read(InputFile input, long firstRow, RowSplits splits, BadRows bad, Action<DataSplit, Store.RowBlock> sink);

    /// <summary>Data rows the last <see cref="Read"/> or <see cref="ReadLabels"/> went through, bad ones included.</summary>
    long RowsRead { get; }
}
