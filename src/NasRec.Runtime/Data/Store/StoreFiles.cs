namespace NasRec.Runtime.Data.Store;

/// <summary>File names inside a prepared store, stated once for the writer and the reader.</summary>
public static class StoreFiles
{
    public const string Manifest = "manifest.json";
    public const string Dataset = "dataset.yaml";
    public const string Indices = "indices";
    public const string Vocabularies = "vocabulary";

    public const string Label = ".label";
    public const string Dense = ".dense";
    public const string Sparse = ".sparse";

    /// <summary>The stored splits and their file stems (TrainVal is read from train and val).</summary>
    public static readonly IReadOnlyList<(DataSplit Split, string Stem)> Splits = new[]
    {
        (DataSplit.Train, "train"), (DataSplit.Val, "val"), (DataSplit.Test, "test"),
    };

    public static string Stem(DataSplit split) => Splits.First(s => s.Split == split).Stem;
}
