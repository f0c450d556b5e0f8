using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Validation;

/// <summary>
/// The documents an architecture may refer to: the valid spaces and datasets by name, and the
/// names of documents that failed to parse (references to those are not reported again).
/// Equal by its three lists (the generator caches on that); lookups go through indexes built once.
/// </summary>
public sealed record DocumentCatalog(
    EquatableArray<SearchSpace> Spaces,
    EquatableArray<DatasetSchema> Datasets,
    EquatableArray<string> BrokenNames)
{
    private Index? index;

    /// <summary>A copy (<c>with</c>) builds its own index.</summary>
    private DocumentCatalog(DocumentCatalog original)
    {
        Spaces = original.Spaces;
        Datasets = original.Datasets;
        BrokenNames = original.BrokenNames;
    }

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

    /// <summary>The first space of that name, or null.</summary>
    public SearchSpace? Space(string name) => Lookup.Spaces.TryGetValue(name, out var space) ? space : null;

    /// <summary>The first dataset of that name, or null.</summary>
    public DatasetSchema? Dataset(string name) => Lookup.Datasets.TryGetValue(name, out var dataset) ? dataset : null;

    /// <summary>Whether a document of that name exists but failed to parse.</summary>
    public bool IsBroken(string name) => Lookup.Broken.Contains(name);

    /// <summary>Built on first use; two threads racing build equal indexes.</summary>
    private Index Lookup => index ??= new Index(Spaces, Datasets, BrokenNames);

    public bool Equals(DocumentCatalog? other) =>
        other is not null && Spaces == other.Spaces && Datasets == other.Datasets && BrokenNames == other.BrokenNames;

    public override int GetHashCode() => (Spaces, Datasets, BrokenNames).GetHashCode();

    private sealed class Index(IEnumerable<SearchSpace> spaces, IEnumerable<DatasetSchema> datasets, IEnumerable<string> broken)
    {
        public Dictionary<string, SearchSpace> Spaces { get; } = First(spaces);

        public Dictionary<string, DatasetSchema> Datasets { get; } = First(datasets);

        public HashSet<string> Broken { get; } = new(broken, StringComparer.Ordinal);

        private static Dictionary<string, T> First<T>(IEnumerable<T> documents) where T : NasRecDocument =>
            documents.GroupBy(d => d.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }
}
