using System.Reflection;
using NasRec.Dsl;
using NasRec.Dsl.Model;

namespace NasRec.Cli.Tests;

/// <summary>The repository's shipped YAML files and the reference configurations of the Dsl tests.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static string Spaces { get; } = Path.Combine(Root, "spaces");

    public static string CriteoFull { get; } = Path.Combine(Spaces, "criteo", "nasrecnet-full.arch.yaml");

    public static string ReferenceConfig(string file) => Path.Combine(Root, "tests", "NasRec.Dsl.Tests", "Reference", file);

    private static readonly Lazy<Workspace> shipped = new(() => Workspace.LoadDirectory(Spaces));

    public static Architecture Shipped(string name) => shipped.Value.Architectures.Single(a => a.Name == name);
}
