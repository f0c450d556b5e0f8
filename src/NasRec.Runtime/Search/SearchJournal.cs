using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NasRec.Dsl.Writing;

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

    private readonly StreamWriter writer;

    private SearchJournal(FileStream stream) => writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };

    /// <summary>Starts an empty journal (replacing any).</summary>
    public static SearchJournal Create(string path) => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));

    /// <summary>
    /// Reads the complete lines of an interrupted search's journal and opens it for appending after them: a torn
    /// last line (the process killed mid-write) is cut off.
    /// </summary>
    public static SearchJournal Resume(string path, out IReadOnlyList<JournalEntry> entries)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            int complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            entries = Read(bytes.AsSpan(0, complete), path);
            stream.SetLength(complete);
            stream.Position = complete;
            return new SearchJournal(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The complete lines of a journal (a torn last line is ignored).</summary>
    public static IReadOnlyList<JournalEntry> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Read(bytes.AsSpan(0, Array.LastIndexOf(bytes, (byte)'\n') + 1), path);
    }

    public void Append(EvaluatedCandidate evaluated)
    {
        var (candidate, score) = evaluated;
        var entry = new JournalEntry(candidate.Index, candidate.Generation, candidate.Hash, score.ValLogloss, score.ValAuc, score.ValAccuracy,
            candidate.MegaFlops, candidate.Parameters, candidate.Parent, ArchitectureWriter.Write(candidate.Architecture, SchemaPath));
        writer.WriteLine(JsonSerializer.Serialize(entry, Json));
    }

    public void Dispose() => writer.Dispose();

    private static List<JournalEntry> Read(ReadOnlySpan<byte> lines, string path)
    {
        var entries = new List<JournalEntry>();
        foreach (var line in Encoding.UTF8.GetString(lines).Split('\n', StringSplitOptions.RemoveEmptyEntries))
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
