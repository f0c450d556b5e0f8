namespace NasRec.Dsl.Model;

/// <summary>The values of the <c>kind</c> key.</summary>
public static class DocumentKinds
{
    public const string SearchSpace = "SearchSpace";
    public const string Architecture = "Architecture";
    public const string Dataset = "Dataset";
}
