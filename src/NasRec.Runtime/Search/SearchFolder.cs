using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NasRec.Dsl.Writing;
using NasRec.Runtime.Checkpoints;

namespace NasRec.Runtime.Search;

/// <summary>
/// A search's folder: <c>settings.json</c> (the search settings and where the supernet and data came from),
/// <c>journal.jsonl</c> (one line per evaluated candidate) and <c>summary.json</c> (best, front, history). The two JSON
/// files are written whole and atomically; the journal grows a flushed line at a time.
/// </summary>
public sealed class SearchFolder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Names the folder; it is made when a new search writes its settings, so a search that fails to start leaves none.</summary>
    public SearchFolder(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    public string SettingsFile => Path.Combine(Directory, "settings.json");

    public string JournalFile => Path.Combine(Directory, SearchJournal.FileName);

    public string SummaryFile => Path.Combine(Directory, "summary.json");

    /// <summary>The settings object: the search settings' fields, then <paramref name="context"/>'s (supernet, data, version, ...).</summary>
    public static JsonObject SettingsJson(SearchSettings settings, JsonObject context)
    {
        var json = JsonSerializer.SerializeToNode(settings, Json)!.AsObject();
        foreach (var (key, value) in context) json[key] = value?.DeepClone();
        return json;
    }

    /// <summary>The search settings of a settings object (the context's fields are ignored).</summary>
    public static SearchSettings ReadSettings(JsonObject json) =>
        json.Deserialize<SearchSettings>(Json) ?? throw new SearchException("settings.json holds no settings");

    public void WriteSettings(JsonObject settings)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.WriteAllText(SettingsFile, settings.ToJsonString(Json) + "\n");
    }

    public JsonObject LoadSettings()
    {
        if (!File.Exists(SettingsFile)) throw new SearchException($"{Directory} holds no settings.json: it is not a search folder");
        return JsonNode.Parse(File.ReadAllText(SettingsFile))?.AsObject() ?? throw new SearchException($"{SettingsFile} is empty");
    }

    public void WriteSummary(SearchResult result, JsonObject settings)
    {
        var best = result.Best;
        var summary = new JsonObject
        {
            ["bestValLogloss"] = best.ValLogloss,
            ["initialMedianValLogloss"] = result.InitialMedianValLogloss,
            ["candidates"] = result.Candidates.Count,
            ["best"] = new JsonObject
            {
                ["hash"] = best.Candidate.Hash,
                ["valLogloss"] = best.ValLogloss,
                ["mflops"] = best.Candidate.MegaFlops,
                ["params"] = best.Candidate.Parameters,
                ["architecture"] = ArchitectureWriter.Write(best.Candidate.Architecture, SearchJournal.SchemaPath),
            },
            ["front"] = new JsonArray(result.Front.Select(c => (JsonNode)new JsonObject
            {
                ["hash"] = c.Candidate.Hash,
                ["valLogloss"] = c.ValLogloss,
                ["mflops"] = c.Candidate.MegaFlops,
            }).ToArray()),
            ["history"] = new JsonArray(result.History.Select(c => (JsonNode)JsonValue.Create(c.Candidate.Hash)).ToArray()),
            ["seed"] = settings["seed"]?.DeepClone(),
            ["settings"] = settings.DeepClone(),
            ["overBudgetRejected"] = result.OverBudgetRejected,
        };
        AtomicFile.WriteAllText(SummaryFile, summary.ToJsonString(Json) + "\n");
    }
}
