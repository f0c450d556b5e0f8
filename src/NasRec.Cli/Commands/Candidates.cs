using NasRec.Cli.Reports;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Writing;
using NasRec.Runtime.Search;

namespace NasRec.Cli.Commands;

/// <summary>An architecture to train from scratch, with its search score when it comes from a search.</summary>
/// <param name="Label">Names its run folder and its row: the rank in the search, or the file name.</param>
internal sealed record ScratchCandidate(string Label, ResolvedArchitecture Resolved, string? Hash, double? SearchValLogloss);

/// <summary>The candidates of <c>nasrec rerank</c> and <c>nasrec search rank-check</c>: a search's best, or a folder of architectures.</summary>
internal static class Candidates
{
    /// <summary>
    /// The <paramref name="top"/> best of a search folder's journal, picked as <c>nasrec export</c> picks them (spec §6.7
    /// step 1), with layer norm off as the reference's from-scratch training forces it (spec §9.1).
    /// </summary>
    public static IReadOnlyList<ScratchCandidate> FromSearch(string folder, int top, string spacesFolder, bool searchCap)
    {
        var journal = JournalReader.JournalOf(folder);
        return JournalReader.Best(folder, top).Select((entry, rank) =>
        {
            var where = $"{journal}, candidate {entry.Index}";
            // A text that does not parse is left as it is, for the spaces folder's checks to report.
            var text = DocumentParser.Parse(where, entry.Architecture).Document is Architecture architecture
                ? ArchitectureWriter.Write(architecture with { LayerNorm = false }, SearchJournal.SchemaPath)
                : entry.Architecture;
            return new ScratchCandidate($"{rank + 1:D2}", ArchitectureSources.Load(where, text, spacesFolder, searchCap), entry.Hash, entry.ValLogloss);
        }).ToList();
    }

    /// <summary>The folder's <c>*.arch.yaml</c> files in name order, the first <paramref name="top"/> when given.</summary>
    public static IReadOnlyList<ScratchCandidate> FromFolder(string folder, int? top, string? spacesFolder, bool searchCap)
    {
        var files = Directory.GetFiles(folder, "*.arch.yaml").Order(StringComparer.Ordinal).Take(top ?? int.MaxValue).ToList();
        if (files.Count == 0) throw new CommandException($"{folder} holds no *.arch.yaml file");
        var spaces = spacesFolder ?? SpacesFolder.Resolve(null, files[0]);
        return files.Select(file => new ScratchCandidate(
            Path.GetFileName(file)[..^".arch.yaml".Length],
            ArchitectureSources.Load(Path.GetFullPath(file), File.ReadAllText(file), spaces, searchCap),
            null,
            null)).ToList();
    }
}
