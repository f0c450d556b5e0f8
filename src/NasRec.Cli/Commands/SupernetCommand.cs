using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec supernet train</c>: trains the weight-sharing supernet of a search space on a prepared store (spec §3.3, §5.2).</summary>
internal static class SupernetCommand
{
    private static readonly NameTable<SupernetCompute> ComputeNames = new(
        (SupernetCompute.SkipZeroInputs, "skip-zeros"), (SupernetCompute.Masked, "masked"), (SupernetCompute.Sliced, "sliced"));

    public static Command Create()
    {
        var space = new Option<string>("--space")
        {
            HelpName = "name|file", Description = "The search space: a name in the spaces folder or a *.space.yaml file (required unless --resume)",
        };
        var dataset = new Option<string>("--dataset")
        {
            HelpName = "name|file", Description = "The dataset: a name in the spaces folder or a *.dataset.yaml file (required unless --resume)",
        };
        var data = TrainingOptions.Data();
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "run dir", Description = "The run folder (default: runs/supernet-<space>-<time>)" };
        var resume = new Option<DirectoryInfo>("--resume") { HelpName = "run dir", Description = "Continue the run in this folder from its last.ckpt, with its settings and path sampler" }.AcceptExistingOnly();
        var strategy = new Option<string?>("--strategy") { Description = "Path sampling (spec §3.2; default: the space's sampling.strategy)" }
            .AcceptOnlyFromAmong(YamlNames.Strategies.Names.ToArray());
        var connections = new Option<string?>("--connections") { Description = "How many connections an any-path draw takes (default: the space's sampling.connections)" }
            .AcceptOnlyFromAmong(YamlNames.Connections.Names.ToArray());
        var warmup = new Option<int?>("--warmup-steps") { Description = "Forwards over which the full-path probability decays from 1 to 0 (default: the space's sampling.warmupSteps)" };
        var lr = new Option<double?>("--lr") { Description = "Peak Adagrad learning rate (default 0.12, spec §5.2)" };
        var batch = new Option<int?>("--batch-size", "--batch") { Description = "Training batch size (default 512, KDD 1024, spec §5.2)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training split", DefaultValueFactory = _ => 1 };
        var steps = new Option<long?>("--steps") { Description = "Optimizer steps in all (default: every batch of every epoch)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights, the shuffle and the paths" };
        var compute = ComputeOption();
        var evalEvery = new Option<long>("--eval-every") { Description = "Validate with sampled paths every N steps (and at the end); 0: only at the end", DefaultValueFactory = _ => 10_000 };
        var checkpointEvery = new Option<long>("--checkpoint-every") { Description = "Write last.ckpt every N steps (and at the end)", DefaultValueFactory = _ => 10_000 };
        var fixedArchitectures = new Option<int>("--fixed-archs") { Description = "Seeded random architectures evaluated at the end", DefaultValueFactory = _ => 32 };
        var fixedRows = new Option<long>("--fixed-rows")
        {
            Description = "Validation rows each fixed architecture is evaluated on (default: the reference's search prefix, 150 batches of 8,192)",
            DefaultValueFactory = _ => 1_228_800,
        };
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var quiet = TrainingOptions.Quiet();
        var initialAccumulator = TrainingOptions.InitialAccumulator();
        var lrWarmup = TrainingOptions.LearningRateWarmup();
        var spaces = SpacesFolder.CreateOption();

        var train = new Command("train",
            "Trains the supernet of a search space (Adagrad with row-sparse embedding updates, clipping 5.0, cosine schedule, a new path " +
            "per step with the full-path warm-up decay), validating with sampled paths every --eval-every steps. At the end it evaluates on " +
            "val with sampled paths (a new path per batch, as the reference) and --fixed-archs seeded random architectures. The run folder " +
            "holds settings.json, metrics.jsonl, TensorBoard events, last.ckpt (resumable), supernet.ckpt (final weights) and summary.json. " +
            "Ctrl+C saves last.ckpt and stops.")
        {
            space, dataset, data, output, resume, strategy, connections, warmup, lr, batch, epochs, steps, seed, compute, evalEvery,
            checkpointEvery, fixedArchitectures, fixedRows, initialAccumulator, lrWarmup, json, quiet, spaces,
        };
        deviceOptions.AddTo(train);
        train.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            int architectures = r.GetValue(fixedArchitectures);
            long rows = r.GetValue(fixedRows);
            if (architectures < 0) throw new CommandException("--fixed-archs must be at least 0");
            if (rows < 1) throw new CommandException("--fixed-rows must be at least 1");
            var evaluation = new FinalEvaluation(architectures, checked((int)((rows + RecipeDefaults.EvaluationBatchSize - 1) / RecipeDefaults.EvaluationBatchSize)));
            var progress = r.GetValue(quiet) ? TextWriter.Null : stderr;

            var resumeFolder = r.GetValue(resume);
            if (resumeFolder is not null)
            {
                var header = TrainingOptions.ResumedHeader(resumeFolder);
                if (header.Model is not SupernetSource resumed)
                    throw new CommandException($"{resumeFolder.FullName} is a subnet's run: continue it with nasrec train --resume");
                return Train(resumed, header.Settings, resumeFolder.FullName, resume: true, r.GetRequiredValue(data), evaluation, targetDevice, r.GetValue(json), stdout, progress);
            }

            var spaceName = r.GetValue(space) ?? throw new CommandException("--space is required (or --resume <run dir>)");
            var datasetName = r.GetValue(dataset) ?? throw new CommandException("--dataset is required (or --resume <run dir>)");
            var (searchSpace, schema, source) = LoadSource(spaceName, datasetName, r.GetValue(spaces), Compute(r.GetValue(compute)!));
            var sampling = source.Sampling;
            source = source with
            {
                Sampling = new SamplingDefaults(
                    r.GetValue(strategy) is { } s ? Parse(YamlNames.Strategies, s) : sampling.Strategy,
                    r.GetValue(connections) is { } c ? Parse(YamlNames.Connections, c) : sampling.Connections,
                    r.GetValue(warmup) ?? sampling.WarmupSteps),
            };
            var defaults = RecipeDefaults.ForSupernet(schema.Name);
            var settings = TrainingOptions.Checked(new TrainingSettings(
                BatchSize: r.GetValue(batch) ?? defaults.BatchSize,
                LearningRate: r.GetValue(lr) ?? defaults.LearningRate,
                Epochs: r.GetValue(epochs),
                Steps: r.GetValue(steps),
                EvaluateEvery: r.GetValue(evalEvery),
                CheckpointEvery: r.GetValue(checkpointEvery),
                Seed: r.GetValue(seed),
                KeepBest: false,
                InitialAccumulator: r.GetValue(initialAccumulator),
                WarmupSteps: r.GetValue(lrWarmup)));
            if (source.Sampling.WarmupSteps < 0) throw new CommandException("--warmup-steps must be at least 0");
            var folder = r.GetValue(output)?.FullName ?? Path.Combine("runs", $"supernet-{searchSpace.Name}-{DateTime.Now:yyyyMMdd-HHmmss}");
            return Train(source, settings, folder, resume: false, r.GetRequiredValue(data), evaluation, targetDevice, r.GetValue(json), stdout, progress);
        }));
        return new Command("supernet", "The weight-sharing supernet of a search space.") { train };
    }

    private static int Train(
        SupernetSource source, TrainingSettings settings, string folder, bool resume, DirectoryInfo storeDirectory, FinalEvaluation evaluation,
        Device device, bool json, TextWriter stdout, TextWriter progress)
    {
        var (space, dataset) = source.Resolve();
        using var store = TrainingOptions.OpenStore(storeDirectory, dataset);
        var data = StoreTrainingData.Create(store, settings.BatchSize, dataset.TableSizes(source.Options.TableCap).ToList(), reference: false, settings.Shuffle, settings.Seed);
        using var run = new RunFolder(folder);
        using var training = new SupernetTraining(source, settings, data, run, device, evaluation);

        var info = json ? progress : stdout;
        var sampling = source.Sampling;
        info.WriteLine($"Supernet of {space.Name} over {dataset.Name}: {training.Supernet.NonEmbeddingParameters:N0} non-embedding parameters; " +
            $"{(source.Options.TableCap is null ? "full tables" : $"tables capped at {source.Options.TableCap:N0} rows")}; " +
            $"paths {YamlNames.Strategies.NameOf(sampling.Strategy)} ({YamlNames.Connections.NameOf(sampling.Connections)}, warm-up {sampling.WarmupSteps:N0} forwards); " +
            $"compute {NameOf(source.Options.Compute)}; {device.type.ToString().ToLowerInvariant()}");
        info.WriteLine($"Run folder: {run.Directory}{(resume ? " (resumed)" : "")}");

        var result = TrainingOptions.UntilCtrlC(cancel => TrainingProgressView.Show(progress, training.TotalSteps,
            onStep => training.Run(resume, onStep, part => progress.WriteLine($"final evaluation: {part}"), cancel)));

        if (json) stdout.WriteLine(Json(result, run.Directory).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else WriteText(result, stdout);
        return 0;
    }

    private static void WriteText(SupernetTrainingResult result, TextWriter stdout)
    {
        var training = result.Training;
        if (training.Interrupted)
        {
            stdout.WriteLine($"Interrupted at step {training.Steps:N0}; continue with --resume <run dir>. Checkpoint: {result.Checkpoint}");
            return;
        }
        stdout.WriteLine($"Trained {training.Steps:N0} steps at {training.SamplesPerSecond:N0} rows/s.");
        stdout.WriteLine($"Validation, sampled paths: {TrainingOptions.Describe(result.Sampled!)}");
        if (result.Fixed.Count > 0)
        {
            var loglosses = result.Fixed.Select(f => f.Metrics.Logloss).ToList();
            stdout.WriteLine($"Validation, {result.Fixed.Count} fixed architectures ({result.Fixed[0].Metrics.Count:N0} rows each): " +
                $"median logloss {result.FixedMedianLogloss:F5}, best {loglosses.Min():F5}, worst {loglosses.Max():F5}");
        }
        stdout.WriteLine($"Checkpoint: {result.Checkpoint}");
    }

    private static JsonObject Json(SupernetTrainingResult result, string folder) => new()
    {
        ["runFolder"] = folder,
        ["steps"] = result.Training.Steps,
        ["interrupted"] = result.Training.Interrupted,
        ["samplesPerSecond"] = result.Training.SamplesPerSecond,
        ["valLoglossSampled"] = result.Sampled?.Logloss,
        ["valAucSampled"] = result.Sampled?.Auc,
        ["valLoglossFixedMedian"] = result.FixedMedianLogloss,
        ["fixed"] = new JsonArray(result.Fixed.Select(f => (JsonNode)new JsonObject
        {
            ["seed"] = f.Seed, ["valLogloss"] = f.Metrics.Logloss, ["valAuc"] = f.Metrics.Auc,
        }).ToArray()),
        ["checkpoint"] = result.Checkpoint,
    };

    /// <summary>
    /// The space and the dataset (each a file, or a name looked up in the spaces folder) as a self-contained source with
    /// the space's sampling and the dataset's search cap.
    /// </summary>
    private static (SearchSpace, DatasetSchema, SupernetSource) LoadSource(string space, string dataset, DirectoryInfo? spacesFolder, SupernetCompute compute)
    {
        var (spaceFile, spaceText) = SpacesFolder.FileOrNamed("--space", "search space", space, spacesFolder, near: null, (catalog, name) => catalog.Space(name));
        var (datasetFile, datasetText) = SpacesFolder.FileOrNamed("--dataset", "dataset", dataset, spacesFolder, near: spaceFile, (catalog, name) => catalog.Dataset(name));
        var workspace = Workspace.Load(new[] { (spaceFile, spaceText), (datasetFile, datasetText) });
        var errors = workspace.Diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0) throw new CommandException(string.Join(Environment.NewLine, errors));
        NasRecDocument? DocumentOf(string file) => workspace.Files.First(f => f.File == file).Document;
        var searchSpace = DocumentOf(spaceFile) as SearchSpace ?? throw new CommandException($"{spaceFile} is not a SearchSpace document");
        var schema = DocumentOf(datasetFile) as DatasetSchema ?? throw new CommandException($"{datasetFile} is not a Dataset document");
        return (searchSpace, schema, new SupernetSource(spaceText, datasetText, new SupernetOptions(TableCap: schema.SearchTableCap, Compute: compute), searchSpace.Sampling));
    }

    /// <summary>--compute, shared with <c>nasrec bench supernet</c>.</summary>
    public static Option<string> ComputeOption() => new Option<string>("--compute")
    {
        Description = "skip-zeros: the zero inputs of unselected paths skipped (exact); masked: the reference's arithmetic; " +
            "sliced: only the kept widths computed (a departure: layer norm over the kept units, not all of them)",
        DefaultValueFactory = _ => "skip-zeros",
    }.AcceptOnlyFromAmong(ComputeNames.Names.ToArray());

    public static SupernetCompute Compute(string name) => Parse(ComputeNames, name);

    public static string NameOf(SupernetCompute compute) => ComputeNames.NameOf(compute);

    public static T Parse<T>(NameTable<T> names, string name) where T : struct, Enum =>
        names.TryParse(name, out var value) ? value : throw new CommandException($"unknown value '{name}' (allowed: {string.Join(", ", names.Names)})");
}
