using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Dsl.Model;
using NasRec.Models;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Store;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec train</c>: trains an architecture from scratch on a prepared store and tests it (spec §5).</summary>
internal static class TrainCommand
{
    private static readonly string[] Schedules = { "cosine", "constant", "constant-no-warmup" };

    public static Command Create()
    {
        var arch = new Option<FileInfo>("--arch") { HelpName = "file.arch.yaml", Description = "The architecture to train (required unless --baseline or --resume)" }.AcceptExistingOnly();
        var baseline = new Option<string>("--baseline")
        {
            Description = "Train a baseline instead of an architecture: logistic (a weight per dense feature and per categorical id, plus a bias) " +
                "over the store's dataset, with the same step and data path",
        }.AcceptOnlyFromAmong("logistic");
        var data = TrainingOptions.Data();
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "run dir", Description = "The run folder (default: runs/<architecture>-<time>)" };
        var resume = new Option<DirectoryInfo>("--resume") { HelpName = "run dir", Description = "Continue the run in this folder from its last.ckpt, with its settings" }.AcceptExistingOnly();
        var recipe = new Option<string>("--recipe")
        {
            Description = "ours: train split, validation every --eval-every steps, best checkpoint tested; reference: the original's " +
                "recipe (trainval in round-robin shard order, one epoch, no shuffle, the last model tested)",
            DefaultValueFactory = _ => "ours",
        }.AcceptOnlyFromAmong("ours", "reference");
        var batch = new Option<int?>("--batch") { Description = "Training batch size (default per dataset, spec §5.2: 256, KDD 512)" };
        var lr = new Option<double?>("--lr") { Description = "Peak Adagrad learning rate (default per dataset and space: 0.10 Small, 0.16 Full, Avazu Full 0.20)" };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule", DefaultValueFactory = _ => "cosine" }.AcceptOnlyFromAmong(Schedules);
        var steps = new Option<long?>("--steps") { Description = "Optimizer steps in all (default: every batch of every epoch; reference recipe: rows // batch)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training split", DefaultValueFactory = _ => 1 };
        var evalEvery = new Option<long>("--eval-every") { Description = "Validate every N steps (and at each epoch's end); 0: only at the end", DefaultValueFactory = _ => 10_000 };
        var patience = new Option<int?>("--patience") { Description = "Stop after N validations without a better logloss" };
        var checkpointEvery = new Option<long>("--checkpoint-every") { Description = "Write last.ckpt every N steps (and at the end)", DefaultValueFactory = _ => 10_000 };
        var shuffle = new Option<bool>("--shuffle") { Description = "Shuffle the training rows each epoch (ours; the reference never shuffles)", DefaultValueFactory = _ => true };
        var tables = new Option<string>("--tables") { Description = "full tables (final training) or the dataset's search cap", DefaultValueFactory = _ => "full" }.AcceptOnlyFromAmong("full", "search-cap");
        var wd = new Option<double>("--wd") { Description = "L2 factor over matrices and the embedding rows a batch reads (the reference uses 0)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffle" };
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var quiet = TrainingOptions.Quiet();
        var initialAccumulator = TrainingOptions.InitialAccumulator();
        var lrWarmup = TrainingOptions.LearningRateWarmup();
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("train",
            "Trains an architecture from scratch (Adagrad with row-sparse embedding updates, clipping 5.0, cosine schedule) on a prepared " +
            "store, validates, keeps the best checkpoint and reports its test metrics. The run folder holds settings.json, metrics.jsonl, " +
            "TensorBoard events, last.ckpt (resumable), best.ckpt and summary.json. Ctrl+C saves last.ckpt and stops.")
        {
            arch, baseline, data, output, resume, recipe, batch, lr, schedule, steps, epochs, evalEvery, patience, checkpointEvery, shuffle, tables, wd, seed,
            initialAccumulator, lrWarmup, json, quiet, spaces,
        };
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var progress = r.GetValue(quiet) ? TextWriter.Null : stderr;
            var resumeFolder = r.GetValue(resume);
            if (resumeFolder is not null)
            {
                var header = TrainingOptions.ResumedHeader(resumeFolder);
                return Train(header.Model, header.Settings, resumeFolder.FullName, resume: true, r.GetRequiredValue(data), targetDevice, r.GetValue(json), stdout, progress);
            }
            bool searchCap = r.GetValue(tables) == "search-cap";
            var (name, defaults, source) = r.GetValue(baseline) is not null
                ? LogisticBaseline(r.GetRequiredValue(data), searchCap)
                : ArchitectureSource(r.GetValue(arch) ?? throw new CommandException("--arch is required (or --baseline logistic, or --resume <run dir>)"),
                    r.GetValue(spaces), searchCap);
            bool reference = r.GetValue(recipe) == "reference";
            var settings = TrainingOptions.Checked(new TrainingSettings(
                BatchSize: r.GetValue(batch) ?? defaults.BatchSize,
                LearningRate: r.GetValue(lr) ?? defaults.LearningRate,
                Schedule: ParseSchedule(r.GetValue(schedule)!),
                Epochs: reference ? 1 : r.GetValue(epochs),
                Steps: r.GetValue(steps),
                EvaluateEvery: r.GetValue(evalEvery),
                Patience: r.GetValue(patience),
                CheckpointEvery: r.GetValue(checkpointEvery),
                ReferenceRecipe: reference,
                Shuffle: !reference && r.GetValue(shuffle),
                Seed: r.GetValue(seed),
                WeightDecay: r.GetValue(wd),
                InitialAccumulator: r.GetValue(initialAccumulator),
                WarmupSteps: r.GetValue(lrWarmup)));
            var folder = r.GetValue(output)?.FullName ?? Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}");
            return Train(source, settings, folder, resume: false, r.GetRequiredValue(data), targetDevice, r.GetValue(json), stdout, progress);
        }));
        return command;
    }

    private static int Train(
        ModelSource source, TrainingSettings settings, string folder, bool resume, DirectoryInfo storeDirectory, Device device, bool json,
        TextWriter stdout, TextWriter progress)
    {
        manual_seed(settings.Seed);
        var model = TrainingModel.Build(source, device);
        using var module = model.Module;
        using var store = TrainingOptions.OpenStore(storeDirectory, model.Dataset);
        // The reference derives its step count from the row count, not from the batches its loader yields (spec §1.3).
        if (settings.ReferenceRecipe && settings.Steps is null) settings = settings with { Steps = store.Rows(DataSplit.TrainVal) / settings.BatchSize };
        var data = StoreTrainingData.Create(store, settings.BatchSize, model.TableSizes, settings.ReferenceRecipe, settings.Shuffle, settings.Seed);
        using var run = new RunFolder(folder);
        using var trainer = new Trainer(module, source, settings, data, run, device);

        var info = json ? progress : stdout;
        info.WriteLine($"Model: {model.Kind}; {(model.TableCap is null ? "full tables" : $"tables capped at {model.TableCap:N0} rows")}; {device.type.ToString().ToLowerInvariant()}");
        info.WriteLine($"Run folder: {run.Directory}{(resume ? " (resumed)" : "")}");

        var result = TrainingOptions.UntilCtrlC(cancel =>
            TrainingProgressView.Show(progress, trainer.TotalSteps, progress => trainer.Run(resume, progress, cancel)));

        if (json) stdout.WriteLine(Json(result, model.Kind, run.Directory).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else WriteText(result, stdout);
        return 0;
    }

    private static void WriteText(TrainingResult result, TextWriter stdout)
    {
        if (result.Interrupted)
        {
            stdout.WriteLine($"Interrupted at step {result.Steps:N0}; continue with --resume <run dir>. Checkpoint: {result.Checkpoint}");
            return;
        }
        stdout.WriteLine($"Trained {result.Steps:N0} steps at {result.SamplesPerSecond:N0} rows/s{(result.StoppedEarly ? " (stopped early: no better validation within --patience)" : "")}.");
        if (result.Validation is not null) stdout.WriteLine($"Best validation, step {result.BestStep:N0}: {TrainingOptions.Describe(result.Validation)}");
        stdout.WriteLine($"Test ({Path.GetFileName(result.Checkpoint)}): {TrainingOptions.Describe(result.Test!)}");
        stdout.WriteLine($"Checkpoint: {result.Checkpoint}");
    }

    private static JsonObject Json(TrainingResult result, string kind, string folder) => new()
    {
        ["runFolder"] = folder,
        ["model"] = kind,
        ["steps"] = result.Steps,
        ["interrupted"] = result.Interrupted,
        ["stoppedEarly"] = result.StoppedEarly,
        ["bestStep"] = result.BestStep,
        ["valLogloss"] = result.Validation?.Logloss,
        ["valAuc"] = result.Validation?.Auc,
        ["testLogloss"] = result.Test?.Logloss,
        ["testAuc"] = result.Test?.Auc,
        ["testNe"] = result.Test?.NormalizedEntropy,
        ["testAccuracy"] = result.Test?.Accuracy,
        ["testCalibration"] = result.Test?.Calibration,
        ["samplesPerSecond"] = result.SamplesPerSecond,
        ["checkpoint"] = result.Checkpoint,
    };

    /// <summary>An architecture's name, recipe defaults (spec §5.2) and model source.</summary>
    private static (string Name, (int BatchSize, double LearningRate) Defaults, ModelSource Source) ArchitectureSource(FileInfo file, DirectoryInfo? spaces, bool searchCap)
    {
        var (architecture, space, dataset, source) = LoadSource(file, SpacesFolder.Resolve(spaces, file.FullName), searchCap);
        return (architecture.Name, RecipeDefaults.For(dataset.Name, space.Name), source);
    }

    /// <summary>The logistic baseline over the store's dataset, with NASRec-Small's recipe (the lower of the two rates).</summary>
    private static (string Name, (int BatchSize, double LearningRate) Defaults, ModelSource Source) LogisticBaseline(DirectoryInfo store, bool searchCap)
    {
        var datasetYaml = File.ReadAllText(Path.Combine(store.FullName, StoreFiles.Dataset));
        var dataset = new LogisticSource(datasetYaml, null).Resolve();
        return ("logistic", RecipeDefaults.For(dataset.Name, NasRecSmallSpace.Definition.Name), new LogisticSource(datasetYaml, searchCap ? dataset.SearchTableCap : null));
    }

    /// <summary>The architecture file with its space and dataset from the spaces folder, as a self-contained model source.</summary>
    private static (Architecture, SearchSpace, DatasetSchema, SubnetSource) LoadSource(FileInfo file, string spacesFolder, bool searchCap)
    {
        var resolved = ArchitectureSources.Load(file.FullName, File.ReadAllText(file.FullName), spacesFolder, searchCap);
        return (resolved.Architecture, resolved.Space, resolved.Dataset, resolved.Source);
    }

    private static ScheduleKind ParseSchedule(string name) => name switch
    {
        "constant" => ScheduleKind.Constant,
        "constant-no-warmup" => ScheduleKind.ConstantNoWarmup,
        _ => ScheduleKind.Cosine,
    };
}
