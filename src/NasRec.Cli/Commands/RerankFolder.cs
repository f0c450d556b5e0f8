using System.Text.Json;
using System.Text.Json.Serialization;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary>What a rerank trains and how: enough to rebuild the same candidates when it is resumed.</summary>
/// <param name="Search">The search folder whose best it trains (or null).</param>
/// <param name="Archs">The folder of architectures it trains (or null).</param>
/// <param name="Spaces">The <c>--spaces</c> folder given (or null: found as at the start).</param>
internal sealed record RerankSettings(string? Search, string? Archs, int Top, string Data, string? Spaces, bool SearchCap, TrainingSettings Training)
{
    public IReadOnlyList<ScratchCandidate> Candidates() => (Search, Archs) switch
    {
        ({ } search, null) => Commands.Candidates.FromSearch(search, Top, SpacesFolder.Resolve(Spaces is null ? null : new DirectoryInfo(Spaces)), SearchCap),
        (null, { } archs) => Commands.Candidates.FromFolder(archs, Top, Spaces, SearchCap),
        _ => throw new CommandException("give one of --search <dir> or --archs <dir>"),
    };
}

/// <summary>
/// A rerank's folder: <c>settings.json</c> (<see cref="RerankSettings"/>), one run folder per candidate,
/// <c>scores.jsonl</c> (a flushed line per candidate trained, in training order) and <c>ranking.json</c> at the end.
/// Killed at any point, it keeps every candidate whose line was written; <c>--resume</c> trains the others again.
/// </summary>
internal sealed class RerankFolder
{
    public const string RankingFile = "ranking.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public RerankFolder(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string SettingsFile => Path.Combine(Directory, "settings.json");

    public string ScoresFile => Path.Combine(Directory, "scores.jsonl");

    public string Ranking => Path.Combine(Directory, RankingFile);

    public void WriteSettings(RerankSettings settings) =>
        AtomicFile.WriteAllText(SettingsFile, JsonSerializer.Serialize(settings, new JsonSerializerOptions(Json) { WriteIndented = true }) + "\n");

    public RerankSettings LoadSettings()
    {
        if (!File.Exists(SettingsFile)) throw new CommandException($"{Directory} is not a rerank folder (no settings.json)");
        try
        {
            return JsonSerializer.Deserialize<RerankSettings>(File.ReadAllText(SettingsFile), Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CommandException($"{SettingsFile}: not rerank settings ({e.Message})");
        }
    }

    /// <summary>
    /// The scores of the candidates an interrupted rerank finished (the first ones, in order), and the scores file opened
    /// for appending after them: a torn last line (killed mid-write) is cut off.
    /// </summary>
    /// <exception cref="CommandException">A line names another candidate than the settings give at its place.</exception>
    public ScoresWriter Resume(IReadOnlyList<ScratchCandidate> candidates, out IReadOnlyList<ScratchScore> finished)
    {
        var file = JsonLinesFile.Resume(ScoresFile, out var lines);
        try
        {
            finished = lines.Select((line, i) => Finished(line, i, candidates)).ToList();
            return new ScoresWriter(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Starts an empty scores file (replacing any).</summary>
    public ScoresWriter Create() => new(JsonLinesFile.Create(ScoresFile));

    private ScratchScore Finished(string line, int index, IReadOnlyList<ScratchCandidate> candidates)
    {
        ScoreLine? score;
        try
        {
            score = JsonSerializer.Deserialize<ScoreLine>(line, Json);
        }
        catch (JsonException e)
        {
            throw new CommandException($"{ScoresFile}, line {index + 1}: not a score ({e.Message})");
        }
        var candidate = index < candidates.Count ? candidates[index] : null;
        if (score is null || candidate is null || score.Label != candidate.Label || score.Architecture != candidate.Resolved.Architecture.Name)
        {
            throw new CommandException(
                $"{ScoresFile}, line {index + 1} holds {score?.Label}-{score?.Architecture}, but the rerank's settings give " +
                $"{(candidate is null ? "no candidate" : $"{candidate.Label}-{candidate.Resolved.Architecture.Name}")} there: its search or architectures changed");
        }
        return new ScratchScore(candidate, score.Validation, ScratchTraining.RunFolder(Directory, candidate));
    }

    /// <summary>Appends a line per trained candidate, flushed at once.</summary>
    public sealed class ScoresWriter : IDisposable
    {
        private readonly JsonLinesFile lines;

        internal ScoresWriter(JsonLinesFile lines) => this.lines = lines;

        public void Append(ScratchScore score) =>
            lines.Append(JsonSerializer.Serialize(new ScoreLine(score.Candidate.Label, score.Candidate.Resolved.Architecture.Name, score.Validation), Json));

        public void Dispose() => lines.Dispose();
    }

    /// <param name="Validation">Null when the candidate diverged.</param>
    private sealed record ScoreLine(string Label, string Architecture, BinaryMetrics? Validation);
}
