using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Cli.Commands;
using NasRec.Cli.Reports;
using NasRec.Dsl.Writing;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Synthetic;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Cli.Quickstart;

/// <summary>A model trained from scratch on the quickstart's train split, selected on val and tested on its test split.</summary>
/// <param name="Validation">The best validation metrics, those of the tested checkpoint.</param>
/// <param name="Mflops">FLOPs per sample in millions; null for the logistic baseline.</param>
internal sealed record TestedModel(string Label, string RunFolder, BinaryMetrics Validation, BinaryMetrics Test, double? Mflops);

/// <summary>One of the search's best architectures retrained: its inherited-weight score beside what retraining gave.</summary>
internal sealed record RerankedModel(EvaluatedCandidate Candidate, TestedModel Model);

/// <summary>What a quickstart found, and what it is measured against.</summary>
/// <param name="Reranked">The search's best distinct architectures by inherited-weight score, chosen as <c>nasrec export</c> does, in that order, retrained.</param>
/// <param name="Found">The reranked architecture with the best validation logloss after retraining.</param>
/// <param name="RandomBest">The best architecture of the search's initial random population, retrained the same way.</param>
/// <param name="RandomMedian">The median one of that population (by validation logloss during the search), likewise.</param>
/// <param name="TrainAgain">The command that trains the found architecture again on the same store, its space and
/// dataset read from the spaces folder written beside it.</param>
/// <param name="Predict">The command that scores raw rows (the synthetic file's) with the found architecture's checkpoint.</param>
internal sealed record QuickstartResult(
    IReadOnlyList<RerankedModel> Reranked, TestedModel Found, TestedModel RandomBest, TestedModel RandomMedian, TestedModel Logistic, SyntheticStats Data,
    double SearchBestValLogloss, double InitialMedianValLogloss, string ArchPath, string ReportDir, string TrainAgain, string Predict)
{
    /// <summary>The search's best by inherited score, retrained: what the search alone would have exported.</summary>
    public TestedModel SearchBest => Reranked[0].Model;
}

/// <summary>
/// The whole flow on built-in synthetic data, through the runtime's APIs: generate and prepare the data, train a
/// NASRec-Small supernet, search it by regularized evolution, retrain the search's best architectures from scratch
/// and keep the best on val (the reference's re-ranking), export it, retrain two architectures of the initial
/// random population and the logistic-regression baseline the same way, test them all, and write the report
/// folder. Every step writes its own folder under the output, as its command would.
/// </summary>
internal sealed class QuickstartFlow(QuickstartSettings settings, string output, Device device, TextWriter log)
{
    private readonly QuickstartDocuments documents = QuickstartDocuments.Load();

    private string StoreFolder => Path.Combine(output, "store");

    private string SyntheticRows => Path.Combine(output, "data", "synthetic.tsv");

    private string SpacesFolder => Path.Combine(output, "spaces");

    public QuickstartResult Run(CancellationToken cancel)
    {
        var data = Data(cancel);
        var supernet = Supernet(cancel);
        var (search, searchFolder) = Search(supernet, cancel);

        // Inherited-weight scores rank architectures only roughly, so the reference retrains its search's best from
        // scratch and keeps the best on val (spec §7.4 step 5); the quickstart does the same with fewer.
        var best = ExportSelection.Best(search.Candidates, settings.Rerank);
        if (best.Count == 0) throw new SearchException("every candidate of the search diverged (NaN validation logloss): nothing to retrain");
        var reranked = best.Select((candidate, i) => new RerankedModel(candidate, Retrain($"rerank-{i + 1}", candidate, cancel))).ToList();
        var winner = reranked.MinBy(r => r.Model.Validation.Logloss)!;
        var archPath = Export(winner);

        var initial = search.Candidates.Where(c => c.Candidate.Generation < 0).OrderBy(Ranking.Loss).ThenBy(c => c.Candidate.Index).ToList();
        TestedModel RetrainOnce(string label, EvaluatedCandidate candidate) =>
            reranked.FirstOrDefault(r => r.Candidate.Candidate.Hash == candidate.Candidate.Hash) is { } done ? done.Model with { Label = label } : Retrain(label, candidate, cancel);
        var randomBest = RetrainOnce("random-best", initial[0]);
        var randomMedian = RetrainOnce("random-median", initial[(initial.Count - 1) / 2]);
        var logistic = Train("logistic", new LogisticSource(documents.DatasetYaml, null), null, cancel);

        var result = new QuickstartResult(reranked, winner.Model with { Label = "found" }, randomBest, randomMedian, logistic, data,
            search.Best.ValLogloss, search.InitialMedianValLogloss, archPath, Path.Combine(output, "report"),
            $"nasrec train --arch {Argument(archPath)} --data {Argument(StoreFolder)} --spaces {Argument(SpacesFolder)}",
            $"nasrec predict --checkpoint {Argument(Path.Combine(winner.Model.RunFolder, RunFolder.BestCheckpointName))} --data {Argument(StoreFolder)} " +
            $"--input {Argument(SyntheticRows)} -o {Argument(Path.Combine(output, "scores.csv"))}");
        Step("Writing the report");
        SearchReport.Write(new SearchReportInputs(searchFolder, supernet, winner.Model.RunFolder, null), result.ReportDir, QuickstartTable.Markdown(result));
        return result;
    }

    /// <summary>A path as a shell argument: quoted when it holds a space.</summary>
    private static string Argument(string path) => path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;

    /// <returns>The path of the exported <c>.arch.yaml</c>.</returns>
    private string Export(RerankedModel winner)
    {
        var archPath = Path.Combine(output, "found.arch.yaml");
        // The schema goes beside it, where the report's copy (report/winner.arch.yaml, "../schema/...") finds it too.
        Directory.CreateDirectory(Path.Combine(output, "schema"));
        File.WriteAllText(Path.Combine(output, "schema", QuickstartDocuments.SchemaResource), QuickstartDocuments.SchemaJson());
        // Its space and dataset, which live inside nasrec, as a spaces folder beside it: train, export and report read them there.
        var spaces = Directory.CreateDirectory(SpacesFolder).FullName;
        File.WriteAllText(Path.Combine(spaces, QuickstartDocuments.SpaceResource), documents.SpaceYaml.Replace("$schema=schema/", "$schema=../schema/", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(spaces, QuickstartDocuments.DatasetResource), documents.DatasetYaml);
        var candidate = winner.Candidate.Candidate;
        File.WriteAllText(archPath, ArchitectureWriter.Write(candidate.Architecture, "schema/" + QuickstartDocuments.SchemaResource));
        Step(string.Create(CultureInfo.InvariantCulture,
            $"Exported the best retrained architecture ({winner.Model.Label}: validation logloss {winner.Model.Validation.Logloss:F5}, {candidate.MegaFlops:F4} MFLOPs) to {archPath}"));
        return archPath;
    }

    private SyntheticStats Data(CancellationToken cancel)
    {
        Step($"Generating {settings.Rows:N0} synthetic rows (seed {settings.Seed}) and preparing the store");
        Directory.CreateDirectory(Path.GetDirectoryName(SyntheticRows)!);
        var generator = new SyntheticCtrModel(settings.Seed, documents.Dataset.TableSizes(null).ToList(), tableCap: null);
        var stats = SyntheticFile.Write(generator, settings.Rows, SyntheticRows, SyntheticFormat.Tsv);
        new DataPreparer(documents.Dataset, documents.DatasetYaml, new PrepareOptions()).Prepare(SyntheticRows, StoreFolder, cancel);
        return stats;
    }

    /// <returns>The supernet's run folder.</returns>
    private string Supernet(CancellationToken cancel)
    {
        var (batchSize, learningRate) = RecipeDefaults.ForSupernet(documents.Dataset.Name);
        using var store = DataStore.Open(StoreFolder);
        var data = StoreTrainingData.Create(store, batchSize, documents.Dataset.TableSizes(null).ToList(), reference: false, shuffle: true, settings.Seed);
        long steps = settings.Epochs * data.BatchesPerEpoch;
        // The space's warm-up (15,000 forwards) is longer than this whole run, and full paths are its costliest steps:
        // the first tenth of the run decays them.
        var source = new SupernetSource(documents.SpaceYaml, documents.DatasetYaml, new SupernetOptions(TableCap: null),
            documents.Space.Sampling with { WarmupSteps = (int)(steps / 10) });
        using var run = new RunFolder(Path.Combine(output, "supernet"));
        Step($"Training the NASRec-Small supernet: {steps:N0} steps of {batchSize} rows into {run.Directory}");
        // Adagrad from a zero accumulator moves every weight by about ±lr on its first steps. The reference's 71,625
        // steps absorb that; in a run of a few hundred sampled steps the head input loses its variation across rows
        // for good (per-unit std 0.30 -> 0.016 within 20 steps, measured), so the supernet's accumulators start at 1.
        var supernetSettings = Settings(batchSize, learningRate, steps) with { KeepBest = false, InitialAccumulator = QuickstartSettings.SupernetInitialAccumulator };
        using var training = new SupernetTraining(source, supernetSettings, data, run, device,
            new FinalEvaluation(Architectures: 0));
        var result = TrainingProgressView.Show(log, training.TotalSteps, progress => training.Run(resume: false, progress, cancel: cancel));
        if (result.Training.Interrupted) throw new OperationCanceledException(cancel);
        Step($"Supernet: validation logloss with sampled paths {result.Sampled!.Logloss:F5}");
        return run.Directory;
    }

    private (SearchResult Result, string Folder) Search(string supernetRun, CancellationToken cancel)
    {
        var folder = new SearchFolder(Path.Combine(output, "search"));
        var search = new SearchSettings(Population: settings.Population, Tournament: settings.Tournament, Children: settings.Children,
            Generations: settings.Generations, HistoryPerGeneration: Math.Min(2, settings.Children), Seed: settings.Seed);
        var fineTune = new FineTuneSettings(Steps: settings.FineTuneSteps, ValidationRows: settings.ValidationRows);
        var json = SearchFolder.SettingsJson(search, new JsonObject
        {
            ["supernet"] = supernetRun, ["data"] = StoreFolder, ["fineTune"] = JsonSerializer.SerializeToNode(fineTune, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        });
        folder.WriteSettings(json);
        Step($"Searching: {search.TotalCandidates} candidates, each inheriting the supernet's weights with {fineTune.Steps} head fine-tuning steps");
        using var store = DataStore.Open(StoreFolder);
        using var evaluation = SupernetEvaluation.Open(supernetRun, store, fineTune, device);
        var result = SearchProgressView.Show(log, search.TotalCandidates, progress => ArchitectureSearch.Run(documents.Space, documents.Dataset, search, [],
            new SearchExecution(folder.JournalFile, Resume: false, evaluation.CreateEvaluator, Progress: progress), cancel));
        folder.WriteSummary(result, json);
        Step(string.Create(CultureInfo.InvariantCulture,
            $"Search: best validation logloss {result.Best.ValLogloss:F5}; median of the initial random population {result.InitialMedianValLogloss:F5}"));
        return (result, folder.Directory);
    }

    private TestedModel Retrain(string label, EvaluatedCandidate candidate, CancellationToken cancel) =>
        Train(label, new SubnetSource(Yaml(candidate), documents.SpaceYaml, documents.DatasetYaml, null), candidate.Candidate.MegaFlops, cancel);

    /// <summary>Trains a model from scratch on train with validation (the best checkpoint kept) and tests it, as <c>nasrec train</c>.</summary>
    private TestedModel Train(string label, ModelSource source, double? mflops, CancellationToken cancel)
    {
        manual_seed(settings.Seed);
        var model = TrainingModel.Build(source, device);
        using var module = model.Module;
        var (batchSize, learningRate) = RecipeDefaults.For(documents.Dataset.Name, documents.Space.Name);
        using var store = DataStore.Open(StoreFolder);
        var data = StoreTrainingData.Create(store, batchSize, model.TableSizes, reference: false, shuffle: true, settings.Seed);
        using var run = new RunFolder(Path.Combine(output, "train", label));
        Step($"Training {label} ({model.Kind}) from scratch into {run.Directory}");
        using var trainer = new Trainer(module, source, Settings(batchSize, learningRate, settings.Epochs * data.BatchesPerEpoch), data, run, device);
        var result = TrainingProgressView.Show(log, trainer.TotalSteps, progress => trainer.Run(resume: false, progress, cancel));
        if (result.Interrupted) throw new OperationCanceledException(cancel);
        Step($"{label}: validation {TrainingOptions.Describe(result.Validation!)}; test {TrainingOptions.Describe(result.Test!)}");
        return new TestedModel(label, run.Directory, result.Validation!, result.Test!, mflops);
    }

    /// <summary>Five validations and about fifty points of the training curve per run, a checkpoint only at the end.</summary>
    private TrainingSettings Settings(int batchSize, double learningRate, long steps) => new(
        batchSize, learningRate, Epochs: settings.Epochs, EvaluateEvery: Math.Max(1, steps / 5), CheckpointEvery: 0, Seed: settings.Seed,
        LogEvery: (int)Math.Max(1, steps / 50));

    private static string Yaml(EvaluatedCandidate candidate) => ArchitectureWriter.Write(candidate.Candidate.Architecture, SearchJournal.SchemaPath);

    private void Step(string message) => log.WriteLine(message);
}
