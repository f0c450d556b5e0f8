using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Store;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>Where and how a search's candidates are scored.</summary>
/// <param name="Supernet">A supernet run folder or checkpoint.</param>
/// <param name="Data">A prepared store.</param>
/// <param name="FineTune">How each candidate's head is fine-tuned and scored.</param>
internal sealed record SearchSource(string Supernet, string Data, FineTuneSettings FineTune, Device Device);

/// <summary>Opens the candidate evaluation of a search: a trained supernet, each candidate's head fine-tuned and validated (spec §6.3).</summary>
internal delegate ICandidateEvaluation OpenCandidateEvaluation(SearchSource source);

/// <summary><c>nasrec search</c>: regularized evolution, random search or a list of architectures over a trained supernet (spec §6).</summary>
internal static class SearchCommand
{
    private static readonly NameTable<SearchMethod> Methods = new((SearchMethod.Evolution, "ea"), (SearchMethod.Random, "random"), (SearchMethod.List, "list"));

    private static readonly NameTable<SearchObjective> Objectives = new((SearchObjective.Logloss, "logloss"), (SearchObjective.Pareto, "pareto"));

    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Weight inheritance (spec §6.3): the trained supernet, each candidate's head fine-tuned on the store's first rows.</summary>
    public static ICandidateEvaluation OpenSupernet(SearchSource source)
    {
        using var store = DataStore.Open(source.Data);
        // The evaluation holds the rows it needs in memory: the store may close.
        return SupernetEvaluation.Open(source.Supernet, store, source.FineTune, source.Device);
    }

    public static Command Create(OpenCandidateEvaluation openEvaluation)
    {
        var defaults = new SearchSettings();
        var supernet = new Option<string>("--supernet") { HelpName = "run dir|checkpoint", Description = "The trained supernet: a nasrec supernet train run folder or checkpoint (required unless --resume)" };
        var data = new Option<DirectoryInfo>("--data") { HelpName = "store", Description = "The prepared data store the supernet was trained on (required unless --resume)" }.AcceptExistingOnly();
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "search dir", Description = "The search folder (default: runs/search-<space>-<time>)" };
        var resume = new Option<DirectoryInfo>("--resume") { HelpName = "search dir", Description = "Continue the search in this folder with its settings: its journal's scores are replayed, then the search goes on" }.AcceptExistingOnly();
        var method = new Option<string>("--method") { Description = "ea: regularized evolution; random: random architectures; list: the architectures of --archs", DefaultValueFactory = _ => "ea" }
            .AcceptOnlyFromAmong(Methods.Names.ToArray());
        var population = Number("--population", "Evolution: the population, drawn at random first", defaults.Population);
        var tournament = Number("--tournament", "Evolution: members drawn per tournament; the best becomes the parent", defaults.Tournament);
        var children = Number("--children", "Evolution: children per generation, mutated from one parent", defaults.Children);
        var generations = Number("--generations", "Evolution: generations", defaults.Generations);
        var keep = new Option<int?>("--history-per-generation")
        {
            Description = $"Evolution: the best children of each generation kept in the history (default {defaults.HistoryPerGeneration}, at most --children)",
        };
        var budget = new Option<int?>("--budget") { Description = "Random search: architectures drawn (default: as many as the evolution evaluates, population + generations × children)" };
        var topK = Number("--top-k", "Random and list search: the best kept in the history", defaults.TopK);
        var archs = new Option<string[]>("--archs") { HelpName = "dir|file", Description = "List search: .arch.yaml files, or folders of them (in name order)", AllowMultipleArgumentsPerToken = true };
        var maxRejected = Number("--max-rejected-draws", "Draws in a row that may be already visited or over the budget before the search gives up", defaults.MaxRejectedDraws);
        var seed = new Option<int>("--seed") { Description = "Seed of every draw of the search (and of the evaluators' randomness)" };
        var maxMflops = new Option<double?>("--max-mflops") { Description = "Never evaluate an architecture above this many MFLOPs per sample (layer norm off, fvcore counting)" };
        var maxParams = new Option<long?>("--max-params") { Description = "Never evaluate an architecture with more non-embedding parameters reaching the head" };
        var objective = new Option<string>("--objective")
        {
            Description = "logloss: the tournament picks the lowest val logloss; pareto: a random member of the tournament's non-dominated set of (val logloss, MFLOPs)",
            DefaultValueFactory = _ => "logloss",
        }.AcceptOnlyFromAmong(Objectives.Names.ToArray());
        var workers = new Option<int>("--workers") { Description = "Candidates evaluated in parallel, each worker with its own evaluator; the result does not change", DefaultValueFactory = _ => 1 };
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var quiet = TrainingOptions.Quiet();
        var spaces = SpacesFolder.CreateOption();
        var fineTune = new FineTuneOptions();

        var command = new Command("search",
            "Searches architectures over a trained supernet: each candidate inherits the supernet's weights with its path frozen, only the " +
            "head is fine-tuned, and it is scored by its val logloss. Seeded and deterministic whatever --workers. The search folder holds " +
            "settings.json, journal.jsonl (one line per evaluated candidate, flushed) and summary.json (best, Pareto front, history). " +
            "Ctrl+C or a kill stops it; --resume continues it to exactly the result of an uninterrupted run.")
        {
            supernet, data, output, resume, method, population, tournament, children, generations, keep, budget, topK, archs, maxRejected, seed, maxMflops,
            maxParams, objective, workers, json, quiet, spaces,
        };
        fineTune.AddTo(command);
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var progress = r.GetValue(quiet) ? TextWriter.Null : stderr;
            if (r.GetValue(workers) < 1) throw new CommandException("--workers must be at least 1");
            if (r.GetValue(resume) is { } resumeFolder)
            {
                var folder = new SearchFolder(resumeFolder.FullName);
                var recorded = Guard(folder.LoadSettings);
                return Search(openEvaluation, folder, recorded, resume: true, r.GetValue(workers), targetDevice, r.GetValue(json), stdout, progress);
            }

            var methodValue = Parse(Methods, r.GetValue(method)!);
            var settings = new SearchSettings(
                methodValue, r.GetValue(population), r.GetValue(tournament), r.GetValue(children), r.GetValue(generations),
                r.GetValue(keep) ?? Math.Min(defaults.HistoryPerGeneration, r.GetValue(children)),
                Budget: r.GetValue(budget) ?? r.GetValue(population) + r.GetValue(generations) * r.GetValue(children),
                TopK: r.GetValue(topK),
                Seed: r.GetValue(seed),
                MaxMegaFlops: r.GetValue(maxMflops),
                MaxParameters: r.GetValue(maxParams),
                Objective: Parse(Objectives, r.GetValue(objective)!),
                Architectures: methodValue == SearchMethod.List ? ArchitectureFiles(r.GetValue(archs)) : null,
                MaxRejectedDraws: r.GetValue(maxRejected));
            Guard(settings.Validate);
            var supernetPath = r.GetValue(supernet) ?? throw new CommandException("--supernet is required (or --resume <search dir>)");
            if (!File.Exists(supernetPath) && !Directory.Exists(supernetPath)) throw new CommandException($"--supernet: {supernetPath} does not exist");
            var store = r.GetValue(data) ?? throw new CommandException("--data is required (or --resume <search dir>)");
            var spacesFolder = settings.Architectures is { } files ? SpacesFolder.Resolve(r.GetValue(spaces), files[0]) : null;

            var newFolder = new SearchFolder(r.GetValue(output)?.FullName ?? Path.Combine("runs", $"search-{DateTime.Now:yyyyMMdd-HHmmss}"));
            if (File.Exists(newFolder.JournalFile))
                throw new CommandException($"{newFolder.Directory} already holds a search: continue it with --resume, or choose another --output");
            var record = SearchFolder.SettingsJson(settings, new JsonObject
            {
                ["supernet"] = Path.GetFullPath(supernetPath),
                ["data"] = store.FullName,
                ["spaces"] = spacesFolder,
                ["fineTune"] = JsonSerializer.SerializeToNode(fineTune.Settings(r), JsonOutput),
                ["version"] = typeof(SearchCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            });
            return Search(openEvaluation, newFolder, record, resume: false, r.GetValue(workers), targetDevice, r.GetValue(json), stdout, progress);
        }));
        return command;
    }

    private static int Search(
        OpenCandidateEvaluation openEvaluation, SearchFolder folder, JsonObject record, bool resume, int workers, Device device, bool json,
        TextWriter stdout, TextWriter progress)
    {
        var settings = Guard(() => SearchFolder.ReadSettings(record));
        string Recorded(string key) => record[key]?.GetValue<string>() ?? throw new CommandException($"{folder.SettingsFile} has no '{key}'");
        var fineTune = record["fineTune"]?.Deserialize<FineTuneSettings>(JsonOutput) ?? throw new CommandException($"{folder.SettingsFile} has no 'fineTune'");
        using var evaluation = openEvaluation(new SearchSource(Recorded("supernet"), Recorded("data"), fineTune, device));
        var listed = settings.Architectures is { } files ? Listed(files, Recorded("spaces"), evaluation.Space, evaluation.Dataset) : [];
        if (resume) RequireTheRowsItStartedOn(folder, record, evaluation.DataFingerprint);
        else
        {
            record[DataFingerprintKey] = evaluation.DataFingerprint;
            folder.WriteSettings(record);
        }

        var info = json ? progress : stdout;
        info.WriteLine($"{Methods.NameOf(settings.Method)} search of {evaluation.Space.Name} over {evaluation.Dataset.Name}: {settings.TotalCandidates:N0} candidates, " +
            $"seed {settings.Seed}, {workers} worker{(workers == 1 ? "" : "s")}{Budgets(settings)}");
        info.WriteLine($"Search folder: {folder.Directory}{(resume ? " (resumed)" : "")}");

        SearchResult result;
        try
        {
            result = TrainingOptions.UntilCtrlC(cancel => SearchProgressView.Show(progress, settings.TotalCandidates, onCandidate =>
                Guard(() => ArchitectureSearch.Run(evaluation.Space, evaluation.Dataset, settings, listed,
                    new SearchExecution(folder.JournalFile, resume, evaluation.CreateEvaluator, workers, onCandidate), cancel))));
        }
        catch (OperationCanceledException)
        {
            stdout.WriteLine($"Interrupted; every evaluated candidate is in {folder.JournalFile}. Continue with --resume {folder.Directory}");
            return 0;
        }
        folder.WriteSummary(result, record);

        if (json) stdout.WriteLine(Json(result, folder).ToJsonString(JsonOutput));
        else WriteText(result, folder, stdout);
        return 0;
    }

    private const string DataFingerprintKey = "dataFingerprint";

    /// <summary>
    /// A resumed search replays its journal's scores and scores the rest on its store as it is now: a store prepared again
    /// with other rows at the recorded path would make one search of two data sets. Searches recorded without a fingerprint pass.
    /// </summary>
    private static void RequireTheRowsItStartedOn(SearchFolder folder, JsonObject record, string? now)
    {
        if (record[DataFingerprintKey]?.GetValue<string>() is not { } started || now is null || started == now) return;
        throw new CommandException(
            $"{folder.Directory} searched other rows than its store holds now (fingerprint {StoreManifest.Short(started)}, not {StoreManifest.Short(now)}): " +
            "a search resumes only on the rows it started on, to end as it would have");
    }

    private static void WriteText(SearchResult result, SearchFolder folder, TextWriter stdout)
    {
        var best = result.Best;
        stdout.WriteLine($"Searched {result.Candidates.Count:N0} candidates ({result.Evaluated:N0} evaluated now, {result.Candidates.Count - result.Evaluated:N0} replayed); " +
            $"{result.OverBudgetRejected:N0} over the budget were never evaluated.");
        stdout.WriteLine($"Best: val logloss {best.ValLogloss:F5} (initial population's median {result.InitialMedianValLogloss:F5}), " +
            $"{best.Candidate.MegaFlops:F4} MFLOPs, {best.Candidate.Parameters:N0} parameters, candidate {best.Candidate.Index}.");
        stdout.WriteLine($"Pareto front of (val logloss, MFLOPs): {result.Front.Count} architecture{(result.Front.Count == 1 ? "" : "s")}; summary: {folder.SummaryFile}");
        stdout.WriteLine($"Next: nasrec export --search {folder.Directory} --top 3 --output-dir <dir>");
    }

    private static JsonObject Json(SearchResult result, SearchFolder folder) => new()
    {
        ["bestValLogloss"] = result.Best.ValLogloss,
        ["initialMedianValLogloss"] = result.InitialMedianValLogloss,
        ["candidates"] = result.Candidates.Count,
        ["evaluated"] = result.Evaluated,
        ["overBudgetRejected"] = result.OverBudgetRejected,
        ["bestHash"] = result.Best.Candidate.Hash,
        ["bestMflops"] = result.Best.Candidate.MegaFlops,
        ["bestParams"] = result.Best.Candidate.Parameters,
        ["bestArchitecture"] = Dsl.Writing.ArchitectureWriter.Write(result.Best.Candidate.Architecture, SearchJournal.SchemaPath),
        ["front"] = result.Front.Count,
        ["output"] = folder.Directory,
    };

    private static string Budgets(SearchSettings settings) =>
        (settings.MaxMegaFlops is { } flops ? $", at most {flops:G} MFLOPs" : "") + (settings.MaxParameters is { } parameters ? $", at most {parameters:N0} parameters" : "");

    /// <summary>The .arch.yaml files named, folders expanded to their files in name order.</summary>
    private static List<string> ArchitectureFiles(string[]? given)
    {
        if (given is not { Length: > 0 }) throw new CommandException("--method list needs --archs <dir|file>...");
        var files = new List<string>();
        foreach (var path in given)
        {
            if (Directory.Exists(path)) files.AddRange(Directory.GetFiles(path, "*.arch.yaml").Order(StringComparer.Ordinal).Select(Path.GetFullPath));
            else if (File.Exists(path)) files.Add(Path.GetFullPath(path));
            else throw new CommandException($"--archs: {path} does not exist");
        }
        return files.Count > 0 ? files : throw new CommandException("--archs: no *.arch.yaml file in " + string.Join(", ", given));
    }

    /// <summary>The choices of the listed files; each must be an architecture of the supernet's space and dataset.</summary>
    private static List<SubnetChoice> Listed(IReadOnlyList<string> files, string spacesFolder, SearchSpace space, DatasetSchema dataset) => files.Select(file =>
    {
        // One workspace per file: architectures from different searches may share a name.
        var workspace = SpacesFolder.Load(spacesFolder, file);
        var errors = workspace.DiagnosticsOf(file).Where(d => d.IsError).ToList();
        if (errors.Count > 0) throw new CommandException(string.Join(Environment.NewLine, errors));
        if (workspace.Files.Single(f => f.File == file).Document is not Architecture architecture)
            throw new CommandException($"{file} is not an Architecture document");
        if (architecture.Space != space.Name || architecture.Dataset != dataset.Name)
            throw new CommandException($"{file} is an architecture of {architecture.Space} over {architecture.Dataset}; the supernet is of {space.Name} over {dataset.Name}");
        return SubnetChoice.Of(architecture, space);
    }).ToList();

    private static T Parse<T>(NameTable<T> names, string name) where T : struct, Enum =>
        names.TryParse(name, out var value) ? value : throw new CommandException($"unknown value '{name}'");

    private static Option<int> Number(string name, string description, int value) => new(name) { Description = $"{description} (default {value})", DefaultValueFactory = _ => value };

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    /// <summary>A search that cannot go on as asked is the user's to fix: one line, exit code 1.</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SearchException e)
        {
            throw new CommandException(e.Message);
        }
    }
}
