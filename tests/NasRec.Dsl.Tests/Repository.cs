using System.Reflection;

namespace NasRec.Dsl.Tests;

/// <summary>The shipped YAML files of this repository, loaded once.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static string Spaces { get; } = Path.Combine(Root, "spaces");

    private static readonly Lazy<Workspace> shipped = new(() => Workspace.LoadDirectory(Spaces));

    public static Workspace Shipped => shipped.Value;
}
