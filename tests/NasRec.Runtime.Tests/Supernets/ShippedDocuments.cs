using NasRec.Dsl;
using NasRec.Dsl.Model;

namespace NasRec.Runtime.Tests.Supernets;

/// <summary>The shipped spaces, datasets and architectures (spaces/**.yaml), read once.</summary>
internal static class ShippedDocuments
{
    private static readonly Lazy<Workspace> Workspace = new(() =>
    {
        string root = typeof(ShippedDocuments).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var workspace = NasRec.Dsl.Workspace.LoadDirectory(Path.Combine(root, "spaces"));
        Assert.False(workspace.HasErrors, string.Join(Environment.NewLine, workspace.Diagnostics));
        return workspace;
    });

    public static SearchSpace Space(string name) => Workspace.Value.Catalog.Space(name)!;

    public static DatasetSchema Dataset(string name) => Workspace.Value.Catalog.Dataset(name)!;

    public static Architecture Architecture(string name) => Workspace.Value.Architectures.Single(a => a.Name == name);

    public static IEnumerable<Architecture> Architectures => Workspace.Value.Architectures;

    public static SearchSpace Full => Space("NasRecFull");

    public static SearchSpace Small => Space("NasRecSmall");

    public static SearchSpace FullWithZeros => Space("NasRecFullZeros");

    public static DatasetSchema Criteo => Dataset("Criteo");
}
