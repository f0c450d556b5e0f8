using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// Where each data row of a prepare goes, by its row number: one split for every row of an already
/// split file, or a split per row from the stratified folds. <see cref="Nowhere"/> rows are still
/// parsed (a bad one is reported) but kept in no split.
/// </summary>
public sealed class RowSplits
{
    /// <summary>The split of a row kept nowhere (the reference's lost first line, a row whose label does not read), after Train, Val and Test.</summary>
    public const byte Nowhere = 3;

    /// <summary>The blocks a source fills per part of its input, indexed by split: Train, Val, Test and <see cref="Nowhere"/>.</summary>
    public static RowBlock[] Blocks(int denseWidth, int sparseWidth) =>
        Enumerable.Range(0, Nowhere + 1).Select(_ => new RowBlock(denseWidth, sparseWidth)).ToArray();

    private readonly byte[]? perRow;
    private readonly byte whole;

    private RowSplits(byte[]? perRow, byte whole)
    {
        this.perRow = perRow;
        this.whole = whole;
    }

    public static RowSplits All(DataSplit split) => new(null, (byte)split);

    /// <summary>The split of every row, indexed by row number (a byte each).</summary>
    public static RowSplits PerRow(byte[] splits) => new(splits, 0);

    public int Of(long row) => perRow is null ? whole : perRow[row];
}
