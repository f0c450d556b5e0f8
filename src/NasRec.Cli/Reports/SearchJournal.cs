using System.Text.Json;

namespace NasRec.Cli.Reports;

/// <summary>One evaluated candidate: a line of a search folder's <c>journal.jsonl</c>.</summary>
/// <param name="Generation">−1 for the initial population (and for random or listed candidates).</param>
/// <param name="Parent">The parent's hash; null for the initial population.</param>
/// <param name="Architecture">The candidate's <c>.arch.yaml</c> text.</param>
internal sealed record Candidate(
    int Index, int Generation, string Hash, double ValLogloss, double? ValAuc, double Mflops, long Params, string? Parent, string Architecture);

/// <summary>Reads the candidates a search evaluated, in the order it evaluated them.</summary>
internal static class SearchJournal
{
    public const string FileName = "journal.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every complete line of the journal; a last line cut short by a killed search is left out.</summary>
    public static IReadOnlyList<Candidate> Read(string searchFolder)
    {
        var path = Path.Combine(searchFolder, FileName);
        if (!File.Exists(path)) throw new CommandException($"{searchFolder} is not a search folder: it has no {FileName}");
        var lines = File.ReadAllLines(path);
        int last = Array.FindLastIndex(lines, line => line.Length > 0);
        var candidates = new List<Candidate>(lines.Length);
        for (int i = 0; i <= last; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                candidates.Add(JsonSerializer.Deserialize<Candidate>(lines[i], Json) ?? throw new JsonException("null"));
            }
            catch (JsonException) when (i == last)
            {
                // Cut short by a killed search (which --resume rewrites): the candidates before it stand.
            }
            catch (JsonException e)
            {
                throw new CommandException($"{path}, line {i + 1}: not a journal entry ({e.Message})");
            }
        }
        if (candidates.Count == 0) throw new CommandException($"{path} holds no evaluated candidate yet");
        return candidates;
    }
}
