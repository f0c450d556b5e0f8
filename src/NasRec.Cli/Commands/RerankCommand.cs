using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Cli.Reports;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec rerank</c>: trains a search's best architectures from scratch and ranks them on val (spec §6.7 step 2).</summary>
internal static class RerankCommand
{
    public static Command Create()
    {
        var search = new Option<DirectoryInfo>("--search") { HelpName = "search dir", Description = "A search folder: its journal's best architectures, each once" }.AcceptExistingOnly();
        var archs = new Option<DirectoryInfo>("--archs") { HelpName = "dir", Description = "A folder of *.arch.yaml files (nasrec export), in name order" }.AcceptExistingOnly();
        var top = new Option<int>("--top") { Description = $"How many to train (the reference re-trains its top {RecipeDefaults.RerankTop})", DefaultValueFactory = _ => RecipeDefaults.RerankTop };
        var data = TrainingOptions.Data(required: false);
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "dir", Description = "Where the run folders and ranking.json go (default: runs/rerank-<time>)" };
        var resume = new Option<DirectoryInfo>("--resume")
        {
            HelpName = "rerank dir", Description = "Continue an interrupted rerank in this folder with its settings: the candidates it trained are kept, the others trained",
        }.AcceptExistingOnly();
        var budget = ScratchOptions.Create(defaultSteps: null, evaluateEvery: 10_000);
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("rerank",
            "Trains the best architectures of a search (or a folder of them) from scratch on the train split, one run folder each, " +
            $"and ranks them by validation logloss, as the reference's top-{RecipeDefaults.RerankTop} re-evaluation (Adagrad 0.12, batch 512, one epoch). " +
            "Writes ranking.json; train the winner on train+val with nasrec train. Interrupted, --resume continues it.")
        {
            search, archs, top, data, output, resume, json, spaces,
        };
        budget.AddTo(command);
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var resumeFolder = r.GetValue(resume);
            RerankFolder folder;
            RerankSettings rerank;
            if (resumeFolder is not null)
            {
                folder = new RerankFolder(resumeFolder.FullName);
                rerank = folder.LoadSettings();
            }
            else
            {
                rerank = NewSettings();
                folder = new RerankFolder(r.GetValue(output)?.FullName ?? Path.Combine("runs", $"rerank-{DateTime.Now:yyyyMMdd-HHmmss}"));
                if (File.Exists(folder.ScoresFile))
                    throw new CommandException($"{folder.Directory} already holds a rerank: continue it with --resume, or choose another --output");
                folder.WriteSettings(rerank);
            }
            var candidates = rerank.Candidates();
            IReadOnlyList<ScratchScore> finished = [];
            using var scoresFile = resumeFolder is null ? folder.Create() : folder.Resume(candidates, out finished);
            var scores = ScratchTraining.Run(candidates, rerank.Training, new DirectoryInfo(rerank.Data), folder.Directory, targetDevice, stderr, finished, scoresFile.Append)
                .OrderBy(score => score.ValLogloss).ToList();

            var ranking = new JsonObject
            {
                ["output"] = folder.Directory,
                ["settings"] = JsonSerializer.SerializeToNode(rerank.Training),
                ["ranking"] = new JsonArray(scores.Select((score, i) => Row(score, i + 1)).ToArray<JsonNode?>()),
            };
            AtomicFile.WriteAllText(folder.Ranking, ranking.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            if (r.GetValue(json)) stdout.WriteLine(ranking.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else stdout.Write(Table(scores) + $"Ranking: {folder.Ranking}\n");
            return 0;

            RerankSettings NewSettings()
            {
                var (searchFolder, archsFolder) = (r.GetValue(search), r.GetValue(archs));
                if (searchFolder is null == archsFolder is null) throw new CommandException("give one of --search <dir> or --archs <dir>");
                if (r.GetValue(top) < 1) throw new CommandException("--top must be at least 1");
                var store = r.GetValue(data) ?? throw new CommandException("--data is required (or --resume <rerank dir>)");
                if (searchFolder is not null) JournalReader.JournalOf(searchFolder.FullName);
                // A search's spaces folder is found now, so that a resume started elsewhere finds the same one.
                var spacesFolder = searchFolder is null ? r.GetValue(spaces)?.FullName : SpacesFolder.Resolve(r.GetValue(spaces));
                return new RerankSettings(
                    searchFolder?.FullName, archsFolder?.FullName, r.GetValue(top), store.FullName, spacesFolder, budget.SearchCap(r), budget.Settings(r));
            }
        }));
        return command;
    }

    private static JsonObject Row(ScratchScore score, int rank) => new()
    {
        ["rank"] = rank,
        ["architecture"] = score.Candidate.Resolved.Architecture.Name,
        ["hash"] = score.Candidate.Hash,
        ["searchValLogloss"] = score.Candidate.SearchValLogloss,
        ["valLogloss"] = score.Validation?.Logloss,
        ["valAuc"] = score.Validation?.Auc,
        ["valAccuracy"] = score.Validation?.Accuracy,
        ["diverged"] = score.Validation is null,
        ["runFolder"] = Path.GetFullPath(score.RunFolder),
    };

    private static string Table(IReadOnlyList<ScratchScore> scores)
    {
        var table = new TextTable(new TextColumn("rank", true), new TextColumn("architecture"), new TextColumn("search logloss", true),
            new TextColumn("val logloss", true), new TextColumn("val AUC", true));
        foreach (var (score, i) in scores.Select((s, i) => (s, i)))
        {
            table.Add((i + 1).ToString(CultureInfo.InvariantCulture), score.Candidate.Resolved.Architecture.Name,
                score.Candidate.SearchValLogloss?.ToString("F5", CultureInfo.InvariantCulture) ?? "-",
                score.Validation?.Logloss.ToString("F5", CultureInfo.InvariantCulture) ?? "diverged",
                score.Validation?.Auc.ToString("F5", CultureInfo.InvariantCulture) ?? "-");
        }
        return table.ToString();
    }
}
