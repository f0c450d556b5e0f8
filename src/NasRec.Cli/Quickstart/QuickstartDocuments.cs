using NasRec.Dsl;
using NasRec.Dsl.Model;

namespace NasRec.Cli.Quickstart;

/// <summary>
/// The search space and dataset a quickstart runs on, carried inside nasrec (so an installed tool needs no spaces
/// folder): the shipped NASRec-Small space and a Criteo-layout dataset with small tables.
/// </summary>
internal sealed record QuickstartDocuments(SearchSpace Space, string SpaceYaml, DatasetSchema Dataset, string DatasetYaml)
{
    public const string SpaceResource = "nasrec-small.space.yaml";
    public const string DatasetResource = "synthetic-criteo.dataset.yaml";
    public const string SchemaResource = "nasrec.schema.json";

    public static QuickstartDocuments Load()
    {
        string spaceYaml = Resource(SpaceResource), datasetYaml = Resource(DatasetResource);
        var workspace = Workspace.Load(new[] { (SpaceResource, spaceYaml), (DatasetResource, datasetYaml) });
        if (workspace.HasErrors) throw new InvalidOperationException("The quickstart's documents hold errors: " + string.Join("; ", workspace.Diagnostics));
        var documents = workspace.Files.Select(f => f.Document).ToList();
        return new QuickstartDocuments(documents.OfType<SearchSpace>().Single(), spaceYaml, documents.OfType<DatasetSchema>().Single(), datasetYaml);
    }

    /// <summary>The documents' JSON Schema, for the editor's language server beside the YAML a quickstart writes.</summary>
    public static string SchemaJson() => Resource(SchemaResource);

    private static string Resource(string name)
    {
        using var stream = typeof(QuickstartDocuments).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"nasrec was built without its resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
