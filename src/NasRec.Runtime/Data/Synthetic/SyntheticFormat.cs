namespace NasRec.Runtime.Data.Synthetic;

public enum SyntheticFormat
{
    /// <summary>Criteo's train.txt layout: no header, tab separated, label, I1..I13, C1..C26, empty cells for missing values.</summary>
    Tsv,
    /// <summary>Columns <c>label</c> (int32), <c>I1..I13</c> (nullable int64), <c>C1..C26</c> (nullable string), in row groups.</summary>
    Parquet,
}
