using System.CommandLine;
using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;

namespace NasRec.Cli;

/// <summary>The folder of search spaces and dataset schemas that commands resolve an architecture's names against.</summary>
internal static class SpacesFolder
{
    private const string DefaultName = "spaces";

    public static Option<DirectoryInfo> CreateOption() => new Option<DirectoryInfo>("--spaces")
    {
        HelpName = "dir",
        Description = "The folder of *.space.yaml and *.dataset.yaml files, read recursively. " +
            "Default: the nearest 'spaces' folder holding a *.space.yaml, looked for from the current directory up, " +
            "then from the given file's folder up",
    }.AcceptExistingOnly();

    /// <summary>
    /// The given folder, or the nearest <c>spaces</c> folder with a search space, from the current
    /// directory up, then from <paramref name="near"/>'s folder up (an architecture file usually
    /// lies inside the spaces folder it belongs to).
    /// </summary>
    public static string Resolve(DirectoryInfo? given, string? near = null) =>
        Resolve(given, near, Directory.GetCurrentDirectory());

    internal static string Resolve(DirectoryInfo? given, string? near, string start)
    {
        if (given is not null) return given.FullName;
        var found = NearestFrom(start) ?? (near is null ? null : NearestFrom(Path.GetDirectoryName(Path.GetFullPath(near))!));
        return found ?? throw new CommandException(
            $"No '{DefaultName}' folder with a *.space.yaml in {start}{(near is null ? "" : " or beside " + near)} or their parents; pass --spaces <dir>");
    }

    private static string? NearestFrom(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultName);
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.space.yaml", SearchOption.AllDirectories).Any())
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// The spaces and datasets of <paramref name="folder"/>, plus <paramref name="files"/>, the documents a command was given.
    /// The folder's own architectures are left out: nothing refers to them, and a modified copy of one
    /// keeps its name, which would clash with the original (NASREC017).
    /// </summary>
    public static Workspace Load(string folder, params string[] files) =>
        Load(folder, files.Select(path => (Path.GetFullPath(path), File.ReadAllText(path))));

    /// <summary>As <see cref="Load(string, string[])"/>, for documents given as (path, text): a search journal's architectures, say.</summary>
    public static Workspace Load(string folder, IEnumerable<(string Path, string Text)> documents)
    {
        var definitions = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Where(path => Workspace.IsDslFile(path) && !path.EndsWith(".arch.yaml", StringComparison.OrdinalIgnoreCase))
            .Select(path => (Path: Path.GetFullPath(path), Text: File.ReadAllText(path)));
        var all = definitions.Concat(documents)
            .DistinctBy(document => document.Path, StringComparer.Ordinal)
            .OrderBy(document => document.Path, StringComparer.Ordinal);
        return Workspace.Load(all);
    }

    /// <summary>The file <paramref name="value"/> names, or else the spaces folder's document of that name, with its text.</summary>
    public static (string File, string Text) FileOrNamed<T>(
        string option, string kind, string value, DirectoryInfo? spacesFolder, string? near, Func<DocumentCatalog, string, T?> lookup) where T : NasRecDocument
    {
        if (File.Exists(value)) return (Path.GetFullPath(value), File.ReadAllText(value));
        var folder = Resolve(spacesFolder, near);
        var workspace = Load(folder);
        var document = lookup(workspace.Catalog, value)
            ?? throw new CommandException($"{option} '{value}' is neither a file nor a {kind} of {folder} (it has: {string.Join(", ", workspace.Files.Select(f => f.Document).OfType<T>().Select(d => d.Name))})");
        var file = workspace.Files.First(f => ReferenceEquals(f.Document, document)).File;
        return (file, File.ReadAllText(file));
    }
}
