using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;

namespace NasRec.Cli.Commands;

/// <summary>An architecture resolved against its search space and dataset, and the self-contained source that rebuilds it.</summary>
internal sealed record ResolvedArchitecture(Architecture Architecture, SearchSpace Space, DatasetSchema Dataset, SubnetSource Source);

/// <summary>Resolves architectures (a file, or a text such as a search journal's) against the spaces folder.</summary>
internal static class ArchitectureSources
{
    /// <param name="path">Where the text comes from, for diagnostics (a file, or a journal line).</param>
    /// <param name="searchCap">Cap the tables at the dataset's search cap; otherwise full tables.</param>
    /// <exception cref="CommandException">The text holds errors, is not an architecture, or names a space or dataset the folder lacks.</exception>
    public static ResolvedArchitecture Load(string path, string text, string spacesFolder, bool searchCap)
    {
        // One workspace per architecture: a search's candidates may share a name.
        var workspace = SpacesFolder.Load(spacesFolder, [(path, text)]);
        var errors = workspace.DiagnosticsOf(path).Where(d => d.IsError).ToList();
        if (errors.Count > 0) throw new CommandException(string.Join(Environment.NewLine, errors));
        if (workspace.Files.Single(f => f.File == path).Document is not Architecture architecture)
            throw new CommandException($"{path} is not an Architecture document");
        var space = workspace.Catalog.Space(architecture.Space)
            ?? throw new CommandException($"{path}: search space '{architecture.Space}' is not in {spacesFolder}");
        var dataset = workspace.Catalog.Dataset(architecture.Dataset)
            ?? throw new CommandException($"{path}: dataset '{architecture.Dataset}' is not in {spacesFolder}");
        string TextOf(NasRecDocument document) => File.ReadAllText(workspace.Files.First(f => ReferenceEquals(f.Document, document)).File);
        var source = new SubnetSource(text, TextOf(space), TextOf(dataset), searchCap ? dataset.SearchTableCap : null);
        return new ResolvedArchitecture(architecture, space, dataset, source);
    }
}
