using NasRec.Runtime.Checkpoints;

namespace NasRec.Runtime.Data.Synthetic;

/// <summary>Writes a seeded synthetic dataset to a file, atomically, and reports its statistics.</summary>
public static class SyntheticFile
{
    public const int DefaultRowGroupSize = 100_000;

    /// <summary>
    /// Writes rows 0 to <paramref name="rows"/> - 1 of <paramref name="model"/>'s data to <paramref name="path"/>.
    /// The file appears only when complete (written beside it under a temporary name, then renamed).
    /// </summary>
    /// <param name="progress">Told the number of rows written so far, now and then.</param>
    public static SyntheticStats Write(
        SyntheticCtrModel model, long rows, string path, SyntheticFormat format,
        int rowGroupSize = DefaultRowGroupSize, IProgress<long>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write {fullPath}: the folder {folder} does not exist.");
        SyntheticStats stats = default!;
        AtomicFile.Write(fullPath, stream => stats = WriteRows(model, rows, stream, format, rowGroupSize, progress));
        return stats;
    }

    private static SyntheticStats WriteRows(SyntheticCtrModel model, long rows, Stream stream, SyntheticFormat format, int rowGroupSize, IProgress<long>? progress)
    {
        const int progressEvery = 1 << 16;
        var stats = new SyntheticStats.Accumulator();
        using ISyntheticRowWriter writer = format == SyntheticFormat.Parquet
            ? new ParquetRowWriter(stream, model, rowGroupSize)
            : new TsvRowWriter(stream, model);
        long written = 0;
        foreach (var row in new RowsAhead(model, rows).InOrder())
        {
            writer.Write(row);
            stats.Add(row);
            if (++written % progressEvery == 0) progress?.Report(written);
        }
        writer.Complete();
        progress?.Report(rows);
        return stats.Result();
    }
}
