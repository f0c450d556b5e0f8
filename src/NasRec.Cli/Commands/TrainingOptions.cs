using System.CommandLine;
using System.Text.Json;
using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary>Options and helpers that train, evaluate and bench share.</summary>
internal static class TrainingOptions
{
    /// <param name="required">False for a command that can take it from a folder it resumes.</param>
    public static Option<DirectoryInfo> Data(bool required = true) => new Option<DirectoryInfo>("--data")
    {
        HelpName = "store",
        Description = "A prepared data store (nasrec data prepare)" + (required ? "" : " (required unless --resume)"),
        Required = required,
    }.AcceptExistingOnly();

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text" };

    /// <summary>How <c>evaluate</c> and <c>predict</c> print their <c>--json</c> object.</summary>
    public static readonly JsonSerializerOptions JsonObject = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Option<double> InitialAccumulator() => new("--initial-accumulator")
    {
        HelpName = "G0",
        Description = "Adagrad's starting accumulator (the reference: 0, which moves every weight by about ±lr on its first steps; 0.1 as TensorFlow, which can steady a short run or slow it)",
    };

    public static Option<long?> LearningRateWarmup() => new("--lr-warmup")
    {
        HelpName = "steps",
        Description = "Steps of the learning rate's linear warm-up (default: a tenth of the run, as the reference)",
    };

    /// <summary>
    /// <paramref name="settings"/>, taken from the options of <c>train</c> or <c>supernet train</c>, once checked: a value
    /// out of range is an error naming its option, not a run that diverges or never validates.
    /// </summary>
    public static TrainingSettings Checked(TrainingSettings settings)
    {
        void Require(bool condition, string message)
        {
            if (!condition) throw new CommandException(message);
        }
        Require(settings.BatchSize >= 1 && settings.Epochs >= 1, "--batch and --epochs must be at least 1");
        Require(settings.Steps is null or >= 1, "--steps must be at least 1");
        Require(settings.LearningRate > 0 && double.IsFinite(settings.LearningRate), "--lr must be above 0");
        Require(settings.WeightDecay >= 0 && double.IsFinite(settings.WeightDecay), "--wd must be at least 0");
        Require(settings.InitialAccumulator >= 0 && double.IsFinite(settings.InitialAccumulator), "--initial-accumulator must be at least 0");
        Require(settings.WarmupSteps is null or >= 0, "--lr-warmup must be at least 0");
        Require(settings.EvaluateEvery >= 0 && settings.CheckpointEvery >= 0, "--eval-every and --checkpoint-every must be at least 0 (0: only at the end)");
        Require(settings.Patience is null or >= 1, "--patience must be at least 1");
        return settings;
    }

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress on standard error" };

    /// <summary>The header of the checkpoint <c>--resume &lt;run dir&gt;</c> continues from.</summary>
    public static CheckpointHeader ResumedHeader(DirectoryInfo runFolder)
    {
        var checkpoint = Path.Combine(runFolder.FullName, RunFolder.LastCheckpointName);
        if (!File.Exists(checkpoint))
            throw new CommandException($"{runFolder.FullName} holds no {RunFolder.LastCheckpointName}: it is not a run folder, or its run stopped before its first checkpoint");
        return Checkpoint.ReadHeader(checkpoint);
    }

    /// <summary>Opens a store, checking it holds the features of <paramref name="dataset"/>, which the model reads.</summary>
    public static DataStore OpenStore(DirectoryInfo directory, DatasetSchema dataset)
    {
        var store = DataStore.Open(directory.FullName);
        var schema = store.Schema;
        if (schema.DenseFeatures.Count != dataset.DenseFeatures.Count || schema.SparseFeatures.Count != dataset.SparseFeatures.Count)
        {
            store.Dispose();
            throw new CommandException(
                $"{directory.FullName} holds dataset '{schema.Name}' ({schema.DenseFeatures.Count} dense, {schema.SparseFeatures.Count} sparse features); " +
                $"the model reads '{dataset.Name}' ({dataset.DenseFeatures.Count} dense, {dataset.SparseFeatures.Count} sparse)");
        }
        return store;
    }

    /// <summary>
    /// Encodings fitted on a training split (vocabulary, standardize) are the store's: rows encoded with another store's
    /// would reach the model as other values. Stateless encodings read the same from any store of the dataset.
    /// </summary>
    public static void RequireTheTrainingEncodings(string checkpoint, string? trainedOn, DataStore store)
    {
        if (!TrainingEncoder.Needed(store.Schema) || trainedOn is null || trainedOn == store.Manifest.Fingerprint()) return;
        throw new CommandException(
            $"{checkpoint} was trained on another store than {store.Directory}: dataset '{store.Schema.Name}' fits its vocabularies or " +
            "standardization on the training rows, so give the store the model was trained on");
    }

    /// <summary>
    /// Runs work with a token that Ctrl+C cancels (a training saves last.ckpt and returns; other work throws
    /// <see cref="OperationCanceledException"/> after cleaning up); a diverged run is a user error.
    /// </summary>
    public static T UntilCtrlC<T>(Func<CancellationToken, T> run)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return run(cancel.Token);
        }
        catch (TrainingDivergedException e)
        {
            throw new CommandException(e.Message);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// Runs work that writes nothing until it is complete (a store, a scores file) with a token that Ctrl+C cancels,
    /// an interruption becoming one line saying that <paramref name="unwritten"/> was not written.
    /// </summary>
    public static T AllOrNothing<T>(string unwritten, Func<CancellationToken, T> work)
    {
        try
        {
            return UntilCtrlC(work);
        }
        catch (OperationCanceledException)
        {
            throw new CommandException($"interrupted: {unwritten} was written");
        }
    }

    public static string Describe(BinaryMetrics m) =>
        $"logloss {m.Logloss:F5}  AUC {m.Auc:F5}  NE {m.NormalizedEntropy:F4}  accuracy {m.Accuracy:F4}  calibration {m.Calibration:F3}  ({m.Count:N0} rows)";
}
