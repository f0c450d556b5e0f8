namespace NasRec.Runtime.Tests.Data.Synthetic;

/// <summary>Criteo's table sizes and search cap, read from the shipped dataset YAML (the one place they are stated).</summary>
internal static class CriteoTables
{
    private static readonly Lazy<NasRec.Dsl.Model.DatasetSchema> Schema = new(() =>
    {
        string root = typeof(CriteoTables).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var workspace = NasRec.Dsl.Workspace.LoadDirectory(Path.Combine(root, "spaces", "datasets"));
        return workspace.Files.Select(f => f.Document).OfType<NasRec.Dsl.Model.DatasetSchema>().Single(d => d.Name == "Criteo");
    });

    public static IReadOnlyList<long> Sizes => Schema.Value.TableSizes(null).ToList();

    public static long? Cap => Schema.Value.SearchTableCap;
}
