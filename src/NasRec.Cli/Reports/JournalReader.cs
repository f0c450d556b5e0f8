using NasRec.Runtime.Search;

namespace NasRec.Cli.Reports;

/// <summary>The candidates a search folder's journal holds, for a report.</summary>
internal static class JournalReader
{
    /// <summary>Every complete line of the journal, in the order the search evaluated them.</summary>
    public static IReadOnlyList<JournalEntry> Read(string searchFolder)
    {
        var path = JournalOf(searchFolder);
        try
        {
            var candidates = SearchJournal.Read(path);
            return candidates.Count > 0 ? candidates : throw new CommandException($"{path} holds no evaluated candidate yet");
        }
        catch (SearchException e)
        {
            throw new CommandException(e.Message);
        }
    }

    /// <summary>The journal file of <paramref name="searchFolder"/>, which must hold one.</summary>
    public static string JournalOf(string searchFolder)
    {
        var path = new SearchFolder(searchFolder).JournalFile;
        return File.Exists(path) ? path : throw new CommandException($"{searchFolder} is not a search folder: it has no {SearchJournal.FileName}");
    }
}
