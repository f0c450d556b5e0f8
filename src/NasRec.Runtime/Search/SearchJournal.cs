using System.Text.Json;
using System.Text.Json.Serialization;
using NasRec.Dsl.Writing;
using NasRec.Runtime.Checkpoints;

namespace NasRec.Runtime.Search;

/// <summary>One line of <c>journal.jsonl</c>: an evaluated candidate, its score, costs and architecture text.</summary>
/// <param name="Generation">-1 for the initial population and for random or list candidates.</param>
/// <param name="Parent">The parent's hash; null for candidates without one.</param>
/// <param name="Architecture">The candidate's <c>.arch.yaml</c> text.</param>
public sealed record JournalEntry(
    int Index, int Generation, string Hash, double ValLogloss, double ValAuc, double ValAccuracy, double Mflops, long Params, string? Parent,
    string Architecture);

/// <summary>
/// The search's journal: one JSON line per evaluated candidate, in candidate order, flushed as it is written, so a
/// search killed at any point leaves every finished candidate on disk (and at most a torn last line).
/// </summary>
public sealed class SearchJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    /// <summary>The schema line of the architecture texts: right for a file in a dataset folder of a spaces folder
    /// (<c>spaces/criteo/x.arch.yaml</c>), where the shipped architectures live.</summary>
    public const string SchemaPath = "../schema/nasrec.schema.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly JsonLinesFile lines;

    private SearchJournal(JsonLinesFile lines) => this.lines = lines;

    /// <summary>Starts an empty journal (replacing any).</summary>
    public static SearchJournal Create(string path) => new(JsonLinesFile.Create(path));

    /// <summary>
    /// Reads the complete lines of an interrupted search's journal and opens it for appending after them: a torn
    /// last line (the process killed mid-write) is cut off.
    /// </summary>
    public static SearchJournal Resume(string path, out IReadOnlyList<JournalEntry> entries)
    {
        var file = JsonLinesFile.Resume(path, out var complete);
        try
        {
            entries = Parse(complete, path);
            return new SearchJournal(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The complete lines of a journal (a torn last line is ignored).</summary>
    public static IReadOnlyList<JournalEntry> Read(string path) => Parse(JsonLinesFile.ReadLines(path), path);

    public void Append(EvaluatedCandidate evaluated)
    {
        var (candidate, score) = evaluated;
        var entry = new JournalEntry(candidate.Index, candidate.Generation, candidate.Hash, score.ValLogloss, score.ValAuc, score.ValAccuracy,
            candidate.MegaFlops, candidate.Parameters, candidate.Parent, ArchitectureWriter.Write(candidate.Architecture, SchemaPath));
        lines.Append(JsonSerializer.Serialize(entry, Json));
    }

    public void Dispose() => lines.Dispose();

    private static List<JournalEntry> Parse(IReadOnlyList<string> lines, string path)
    {
        var entries = new List<JournalEntry>();
        foreach (var line in lines)
        {
            try
            {
                entries.Add(JsonSerializer.Deserialize<JournalEntry>(line, Json) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new SearchException($"{path}, line {entries.Count + 1}: not a journal entry ({e.Message})");
            }
        }
        return entries;
    }
}
