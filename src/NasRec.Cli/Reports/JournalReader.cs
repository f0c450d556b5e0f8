using NasRec.Runtime.Search;

namespace NasRec.Cli.Reports;

/// <summary>The candidates a search folder's journal holds, for a report, an export or a re-ranking.</summary>
internal static class JournalReader
{
    /// <summary>Every complete line of the journal, in the order the search evaluated them; at least one.</summary>
    public static IReadOnlyList<JournalEntry> Read(string searchFolder)
    {
        var candidates = Entries(searchFolder);
        return candidates.Count > 0 ? candidates : throw new CommandException($"{JournalOf(searchFolder)} holds no evaluated candidate yet");
    }

    /// <summary>The <paramref name="top"/> best distinct candidates, as <c>nasrec export</c> picks them (spec §6.7 step 1).</summary>
    public static IReadOnlyList<JournalEntry> Best(string searchFolder, int top) => ExportSelection.Best(Entries(searchFolder), top);

    /// <summary>The journal file of <paramref name="searchFolder"/>, which must hold one.</summary>
    public static string JournalOf(string searchFolder)
    {
        var path = new SearchFolder(searchFolder).JournalFile;
        return File.Exists(path) ? path : throw new CommandException($"{searchFolder} is not a search folder: it has no {SearchJournal.FileName}");
    }

    private static IReadOnlyList<JournalEntry> Entries(string searchFolder)
    {
        try
        {
            return SearchJournal.Read(JournalOf(searchFolder));
        }
        catch (SearchException e)
        {
            throw new CommandException(e.Message);
        }
    }
}
