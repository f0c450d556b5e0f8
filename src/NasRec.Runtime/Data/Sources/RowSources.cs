using NasRec.Dsl.Model;

namespace NasRec.Runtime.Data.Sources;

/// <summary>The source that reads a dataset's format.</summary>
public static class RowSources
{
    /// <param name="labelled">False for rows to score that come without the label column.</param>
    /// <param name="firstFile">The input's first file: KDD 2012's user and query profiles are found beside it.</param>
    public static IRowSource For(DatasetSchema schema, bool labelled, string firstFile)
    {
        if (!labelled && schema.Source.Format is DataFormat.Libsvm or DataFormat.Kdd2012)
            throw new DataException($"{schema.Source.Format.ToString().ToLowerInvariant()} rows always hold their label (or clicks); rows without one are tsv, csv or parquet");
        return schema.Source.Format switch
        {
            DataFormat.Parquet => new ParquetSource(schema, labelled),
            DataFormat.Libsvm => new TextSource(schema, new LibsvmRewriter(schema.DenseFeatures.Count)),
            DataFormat.Kdd2012 => new TextSource(schema, new Kdd2012Rewriter(Kdd2012Rewriter.LoadProfiles(firstFile))),
            _ => new TextSource(schema, labelled: labelled),
        };
    }
}
