using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Validation;

/// <summary>
/// The documents an architecture may refer to: the valid spaces and datasets by name, and the
/// names of documents that failed to parse (references to those are not reported again).
/// </summary>
public sealed record DocumentCatalog(
    EquatableArray<SearchSpace> Spaces,
    EquatableArray<DatasetSchema> Datasets,
    EquatableArray<string> BrokenNames)
{
    public static DocumentCatalog From(IEnumerable<ParseResult> results) =>
        From(results.Select(r => (r.Kind, r.Name, r.Document)));

    /// <summary>The catalog of the spaces and datasets among <paramref name="documents"/> (architectures are ignored).</summary>
    public static DocumentCatalog From(IEnumerable<(string? Kind, string? Name, NasRecDocument? Document)> documents)
    {
        var referable = documents.Where(d => d.Kind != DocumentKinds.Architecture).ToList();
        return new DocumentCatalog(
            referable.Select(d => d.Document).OfType<SearchSpace>().ToEquatableArray(),
            referable.Select(d => d.Document).OfType<DatasetSchema>().ToEquatableArray(),
            referable.Where(d => d.Document is null && d.Name is not null).Select(d => d.Name!).ToEquatableArray());
    }

    public SearchSpace? Space(string name) => Spaces.FirstOrDefault(s => s.Name == name);

    public DatasetSchema? Dataset(string name) => Datasets.FirstOrDefault(d => d.Name == name);
}
