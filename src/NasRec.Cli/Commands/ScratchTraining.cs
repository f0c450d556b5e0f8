using NasRec.Runtime.Metrics;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>A candidate trained from scratch: its best validation metrics (null when it diverged) and its run folder.</summary>
internal sealed record ScratchScore(ScratchCandidate Candidate, BinaryMetrics? Validation, string RunFolder)
{
    /// <summary>What ranks it: the validation logloss, a diverged run last.</summary>
    public double ValLogloss => Validation?.Logloss ?? double.PositiveInfinity;
}

/// <summary>
/// Trains candidates one after the other from scratch on the train split with validation (the machinery of
/// <c>nasrec train</c>), each into its own run folder, as the reference's top-15 re-evaluation does (spec §6.7 step 2).
/// </summary>
internal static class ScratchTraining
{
    /// <param name="finished">Scores of the first candidates, trained by an interrupted run: kept as they are.</param>
    /// <param name="trained">Sees each candidate's score as soon as it is trained.</param>
    public static IReadOnlyList<ScratchScore> Run(
        IReadOnlyList<ScratchCandidate> candidates, TrainingSettings settings, DirectoryInfo storeDirectory, string output, Device device, TextWriter log,
        IReadOnlyList<ScratchScore>? finished = null, Action<ScratchScore>? trained = null)
    {
        var scores = new List<ScratchScore>(finished ?? []);
        foreach (var (score, i) in scores.Select((score, i) => (score, i)))
            log.WriteLine($"[{i + 1}/{candidates.Count}] {score.Candidate.Resolved.Architecture.Name}: trained before, kept");
        foreach (var candidate in candidates.Skip(scores.Count))
        {
            var folder = RunFolder(output, candidate);
            log.WriteLine($"[{scores.Count + 1}/{candidates.Count}] {candidate.Resolved.Architecture.Name}: training from scratch into {folder}");
            // What an interrupted run left of this candidate is not resumable (no checkpoints): it starts over.
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            var score = new ScratchScore(candidate, Train(candidate, settings, storeDirectory, folder, device, log), folder);
            scores.Add(score);
            trained?.Invoke(score);
        }
        return scores;
    }

    /// <summary>The run folder of <paramref name="candidate"/> in <paramref name="output"/>.</summary>
    public static string RunFolder(string output, ScratchCandidate candidate) => Path.Combine(output, $"{candidate.Label}-{candidate.Resolved.Architecture.Name}");

    private static BinaryMetrics? Train(ScratchCandidate candidate, TrainingSettings settings, DirectoryInfo storeDirectory, string folder, Device device, TextWriter log)
    {
        // Every candidate starts from the same seed, so their differences are the architectures'.
        manual_seed(settings.Seed);
        var model = TrainingModel.Build(candidate.Resolved.Source, device);
        using var module = model.Module;
        using var store = TrainingOptions.OpenStore(storeDirectory, model.Dataset);
        // Ranked on val only: the test split is left for the winner's final training.
        var data = StoreTrainingData.Create(store, settings.BatchSize, model.TableSizes, reference: false, settings.Shuffle, settings.Seed) with { Test = null };
        using var run = new RunFolder(folder);
        using var trainer = new Trainer(module, candidate.Resolved.Source, settings, data, run, device);
        try
        {
            return TrainingProgressView.Show(log, trainer.TotalSteps, progress => trainer.Run(resume: false, progress)).Validation;
        }
        catch (TrainingDivergedException e)
        {
            log.WriteLine($"{candidate.Resolved.Architecture.Name}: {e.Message}");
            return null;
        }
    }
}
