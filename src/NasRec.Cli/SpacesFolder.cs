using System.CommandLine;
using NasRec.Dsl;

namespace NasRec.Cli;

/// <summary>The folder of search spaces and dataset schemas that commands resolve an architecture's names against.</summary>
internal static class SpacesFolder
{
    private const string DefaultName = "spaces";

    public static Option<DirectoryInfo> CreateOption() => new Option<DirectoryInfo>("--spaces")
    {
        HelpName = "dir",
        Description = "The folder of *.space.yaml and *.dataset.yaml files, read recursively. " +
            "Default: the 'spaces' folder holding a *.space.yaml in the current directory or the nearest parent that has one",
    }.AcceptExistingOnly();

    /// <summary>The given folder, or the nearest <c>spaces</c> folder with a search space, from the current directory up.</summary>
    public static string Resolve(DirectoryInfo? given)
    {
        if (given is not null) return given.FullName;
        var start = Directory.GetCurrentDirectory();
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultName);
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.space.yaml", SearchOption.AllDirectories).Any())
            {
                return candidate;
            }
        }
        throw new CommandException($"No '{DefaultName}' folder with a *.space.yaml in {start} or its parents; pass --spaces <dir>");
    }

    /// <summary>
    /// The spaces and datasets of <paramref name="folder"/>, plus <paramref name="architectureFiles"/>.
    /// The folder's own architectures are left out: nothing refers to them, and a modified copy of one
    /// keeps its name, which would clash with the original (NASREC017).
    /// </summary>
    public static Workspace Load(string folder, params string[] architectureFiles)
    {
        var definitions = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Where(path => Workspace.IsDslFile(path) && !path.EndsWith(".arch.yaml", StringComparison.OrdinalIgnoreCase));
        var paths = definitions.Concat(architectureFiles)
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(path => path, StringComparer.Ordinal);
        return Workspace.Load(paths.Select(path => (path, File.ReadAllText(path))));
    }
}
