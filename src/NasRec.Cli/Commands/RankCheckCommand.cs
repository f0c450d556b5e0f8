using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;

namespace NasRec.Cli.Commands;

/// <summary>
/// <c>nasrec search rank-check</c>: how well a supernet ranks architectures. Each architecture is scored twice, by weight
/// inheritance (what the search ranks by) and trained from scratch on a short budget, and Kendall's tau-b between the
/// two validation loglosses says whether the search's order can be trusted.
/// </summary>
internal static class RankCheckCommand
{
    public const string ResultFile = "rank-check.json";

    public static Command Create()
    {
        var supernet = new Option<FileSystemInfo>("--supernet")
        {
            HelpName = "run dir|checkpoint", Description = "A supernet run folder (nasrec supernet train) or a checkpoint of one", Required = true,
        }.AcceptExistingOnly();
        var archs = new Option<DirectoryInfo>("--archs") { HelpName = "dir", Description = "A folder of *.arch.yaml files of the supernet's space", Required = true }.AcceptExistingOnly();
        var data = TrainingOptions.Data();
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "dir", Description = "Where the from-scratch run folders and rank-check.json go (default: runs/rank-check-<time>)" };
        var fineTune = new FineTuneOptions();
        var scratch = ScratchOptions.Create(defaultSteps: 1000, evaluateEvery: 0);
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("rank-check",
            "Scores architectures by weight inheritance from a supernet (head fine-tuning, as the search) and from scratch (a short " +
            "training each), and reports Kendall's tau-b between the two validation loglosses: near 1, the supernet ranks as training does.")
        {
            supernet, archs, data, output, json, spaces,
        };
        fineTune.AddTo(command);
        scratch.AddTo(command);
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var candidates = Candidates.FromFolder(r.GetRequiredValue(archs).FullName, null, r.GetValue(spaces)?.FullName, scratch.SearchCap(r));
            var storeDirectory = r.GetRequiredValue(data);
            var inherited = Inherited(candidates, r.GetRequiredValue(supernet).FullName, storeDirectory, fineTune.Settings(r), targetDevice, stderr);

            var folder = r.GetValue(output)?.FullName ?? Path.Combine("runs", $"rank-check-{DateTime.Now:yyyyMMdd-HHmmss}");
            Directory.CreateDirectory(folder);
            var fromScratch = ScratchTraining.Run(candidates, scratch.Settings(r), storeDirectory, folder, targetDevice, stderr);
            double tau = KendallTau.TauB(inherited.Select(s => s.ValLogloss).ToList(), fromScratch.Select(s => s.ValLogloss).ToList());

            var result = new JsonObject
            {
                ["kendallTau"] = double.IsNaN(tau) ? null : tau,
                ["output"] = Path.GetFullPath(folder),
                ["architectures"] = new JsonArray(candidates.Select((c, i) => Row(c, inherited[i], fromScratch[i])).ToArray<JsonNode?>()),
            };
            var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            AtomicFile.WriteAllText(Path.Combine(folder, ResultFile), text + "\n");
            if (r.GetValue(json)) stdout.WriteLine(text);
            else stdout.Write(Table(candidates, inherited, fromScratch) + $"Kendall's tau-b: {(double.IsNaN(tau) ? "undefined (all scores tied)" : tau.ToString("F4", CultureInfo.InvariantCulture))}\n");
            return 0;
        }));
        return command;
    }

    private static List<CandidateScore> Inherited(
        IReadOnlyList<ScratchCandidate> candidates, string supernetPath, DirectoryInfo storeDirectory, FineTuneSettings settings, TorchSharp.torch.Device device, TextWriter log)
    {
        using var store = DataStore.Open(storeDirectory.FullName);
        using var evaluation = OpenSupernet(supernetPath, store, settings, device);
        using var evaluator = evaluation.CreateEvaluator();
        var scores = new List<CandidateScore>();
        foreach (var candidate in candidates)
        {
            var architecture = candidate.Resolved.Architecture;
            if (architecture.Space != evaluation.Space.Name)
                throw new CommandException($"{architecture.Name} is an architecture of space '{architecture.Space}'; the supernet is of '{evaluation.Space.Name}'");
            log.WriteLine($"[{scores.Count + 1}/{candidates.Count}] {architecture.Name}: fine-tuning the inherited head");
            scores.Add(evaluator.Evaluate(SubnetChoice.Of(architecture, evaluation.Space), CancellationToken.None));
        }
        return scores;
    }

    private static SupernetEvaluation OpenSupernet(string path, DataStore store, FineTuneSettings settings, TorchSharp.torch.Device device)
    {
        try
        {
            return SupernetEvaluation.Open(path, store, settings, device);
        }
        catch (InvalidDataException e)
        {
            throw new CommandException($"--supernet {path}: {e.Message}");
        }
    }

    private static JsonObject Row(ScratchCandidate candidate, CandidateScore inherited, ScratchScore scratch) => new()
    {
        ["architecture"] = candidate.Resolved.Architecture.Name,
        ["inheritedValLogloss"] = inherited.ValLogloss,
        ["inheritedValAuc"] = inherited.ValAuc,
        ["scratchValLogloss"] = scratch.Validation?.Logloss,
        ["scratchValAuc"] = scratch.Validation?.Auc,
        ["runFolder"] = Path.GetFullPath(scratch.RunFolder),
    };

    private static string Table(IReadOnlyList<ScratchCandidate> candidates, IReadOnlyList<CandidateScore> inherited, IReadOnlyList<ScratchScore> scratch)
    {
        var table = new TextTable(new TextColumn("architecture"), new TextColumn("inherited logloss", true), new TextColumn("scratch logloss", true));
        for (int i = 0; i < candidates.Count; i++)
        {
            table.Add(candidates[i].Resolved.Architecture.Name, inherited[i].ValLogloss.ToString("F5", CultureInfo.InvariantCulture),
                scratch[i].Validation?.Logloss.ToString("F5", CultureInfo.InvariantCulture) ?? "diverged");
        }
        return table.ToString();
    }
}
