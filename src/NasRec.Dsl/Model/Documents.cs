namespace NasRec.Dsl.Model;

/// <summary>One YAML document: a search space, an architecture or a dataset schema.</summary>
public abstract record NasRecDocument(string Name)
{
    /// <summary>The value of the document's <c>kind</c> key.</summary>
    public abstract string Kind { get; }
}
