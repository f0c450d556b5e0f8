namespace NasRec.Dsl.Generators;

/// <summary>Names of the pipeline steps, for incremental-generation tests.</summary>
public static class TrackingNames
{
    public const string Options = nameof(Options);
    public const string Parse = nameof(Parse);
    public const string Documents = nameof(Documents);
    public const string Catalog = nameof(Catalog);
    public const string Names = nameof(Names);
    public const string Specs = nameof(Specs);
    public const string Validation = nameof(Validation);
    public const string ValidationReport = nameof(ValidationReport);
    public const string Duplicates = nameof(Duplicates);
}
