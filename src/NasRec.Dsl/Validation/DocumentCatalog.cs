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
    public static DocumentCatalog From(IEnumerable<ParseResult> results)
    {
        var list = results.ToList();
        return new DocumentCatalog(
            list.Select(r => r.Document).OfType<SearchSpace>().ToEquatableArray(),
            list.Select(r => r.Document).OfType<DatasetSchema>().ToEquatableArray(),
            list.Where(r => r.Document is null && r.Name is not null).Select(r => r.Name!).ToEquatableArray());
    }

    public SearchSpace? Space(string name) => Spaces.FirstOrDefault(s => s.Name == name);

    public DatasetSchema? Dataset(string name) => Datasets.FirstOrDefault(d => d.Name == name);
}
