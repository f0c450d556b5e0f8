using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// Trains a supernet (spec §3.3, §5.1, §5.2) with the <see cref="Trainer"/>: a new path per training forward from the
/// run's sampling, validation on sampled paths every <see cref="TrainingSettings.EvaluateEvery"/> steps, resumable
/// checkpoints that carry the sampler. At the end it evaluates on val with sampled paths, as the reference does (a new
/// path per batch), and on a fixed set of seeded random architectures, then writes the final weights as
/// <c>supernet.ckpt</c> and <c>summary.json</c>.
/// </summary>
/// <remarks>
/// Validations draw from a sampler of their own, restarted from the run's seed without warm-up each time: every
/// validation sees the same paths, so the curve compares like with like, and the training paths do not depend on how
/// often the run validates (the reference's test forwards advance its training counter; it tests only at the end).
/// </remarks>
public sealed class SupernetTraining : IDisposable
{
    public const string CheckpointName = "supernet.ckpt";

    private readonly SupernetSource source;
    private readonly TrainingSettings settings;
    private readonly TrainingData data;
    private readonly RunFolder run;
    private readonly Device device;
    private readonly FinalEvaluation evaluation;
    private readonly SearchSpace space;
    private readonly Trainer trainer;
    private BinaryMetrics? lastValidation;

    /// <param name="data">Training and validation batches (no test: the supernet is evaluated on val).</param>
    public SupernetTraining(SupernetSource source, TrainingSettings settings, TrainingData data, RunFolder run, Device device, FinalEvaluation evaluation)
    {
        if (data.Validation is null) throw new ArgumentException("A supernet run needs validation batches.", nameof(data));
        this.source = source;
        this.settings = settings;
        this.data = data;
        this.run = run;
        this.device = device;
        this.evaluation = evaluation;
        (space, var dataset) = source.Resolve();
        manual_seed(settings.Seed);
        var sampling = source.Sampling;
        var sampler = new PathSampler(space, sampling.Strategy, sampling.Connections, sampling.WarmupSteps, settings.Seed);
        Supernet = new Supernet(space, dataset, source.Options) { Sampler = sampler };
        Supernet.to(device);
        trainer = new Trainer(Supernet, source, settings with { KeepBest = false }, data with { Test = null }, run, device,
            new PathSampling(sampler, batches => lastValidation = Sampled(batches)));
    }

    public Supernet Supernet { get; }

    public long TotalSteps => trainer.TotalSteps;

    /// <summary>Where the final weights go: <c>supernet.ckpt</c> in the run folder.</summary>
    public string FinalCheckpoint => Path.Combine(run.Directory, CheckpointName);

    /// <summary>Trains to the end (then evaluates and writes supernet.ckpt) or until <paramref name="cancel"/>.</summary>
    /// <param name="resume">Continue from the run folder's last.ckpt, sampler included.</param>
    /// <param name="status">Told when the final evaluation starts each part, for the user.</param>
    /// <exception cref="TrainingDivergedException">The loss is not finite.</exception>
    public SupernetTrainingResult Run(bool resume, Action<TrainingProgress>? progress = null, Action<string>? status = null, CancellationToken cancel = default)
    {
        lastValidation = null;
        var training = trainer.Run(resume, progress, cancel);
        if (training.Interrupted) return new SupernetTrainingResult(training, null, Array.Empty<FixedArchitectureScore>(), null, training.Checkpoint);

        // The trainer validated the final weights unless a resumed run had nothing left to train.
        status?.Invoke("validation with sampled paths");
        var sampled = lastValidation ?? Sampled(data.Validation!());
        var scores = new List<FixedArchitectureScore>();
        for (int seed = 0; seed < evaluation.Architectures; seed++)
        {
            status?.Invoke($"validation of fixed architecture {seed + 1}/{evaluation.Architectures}");
            var choice = FixedArchitecture(space, seed);
            scores.Add(new FixedArchitectureScore(seed, Evaluator.Evaluate((dense, ids) => Supernet.Forward(dense, ids, choice),
                data.Validation!().Take(evaluation.ValidationBatches), device)));
        }
        Checkpoints.Checkpoint.Save(FinalCheckpoint, Checkpoints.Checkpoint.ReadHeader(run.LastCheckpoint), Supernet, optimizer: null);
        var result = new SupernetTrainingResult(training, sampled, scores, scores.Count == 0 ? null : Median.Of(scores.Select(s => s.Metrics.Logloss)), FinalCheckpoint);
        run.Log("final", training.Steps, new[] { ("sampledLogloss", sampled.Logloss), ("fixedMedianLogloss", result.FixedMedianLogloss ?? double.NaN) });
        run.WriteJson(run.SummaryFile, result);
        return result;
    }

    public void Dispose()
    {
        trainer.Dispose();
        Supernet.Dispose();
    }

    /// <summary>The i-th architecture of the fixed set: a fixed-path draw (spec §3.1) from seed i, the same for every run of the space.</summary>
    public static SubnetChoice FixedArchitecture(SearchSpace space, int seed) =>
        new PathSampler(space, SamplingStrategy.FixedPath, ConnectionCount.Uniform, warmupSteps: 0, seed).Next();

    /// <summary>Metrics with a new path per batch, drawn by the run's strategy past its warm-up from the run's seed.</summary>
    private BinaryMetrics Sampled(IEnumerable<Batch> batches)
    {
        var sampler = new PathSampler(space, source.Sampling.Strategy, source.Sampling.Connections, warmupSteps: 0, settings.Seed);
        return Evaluator.Evaluate((dense, ids) => Supernet.Forward(dense, ids, sampler.Next()), batches, device);
    }

}

/// <summary>The final evaluation of a supernet run on the fixed architectures.</summary>
/// <param name="Architectures">How many seeded random architectures (seeds 0, 1, ...); the reference has none, 32 by default.</param>
/// <param name="ValidationBatches">The validation prefix each is evaluated on, in evaluation batches.</param>
public sealed record FinalEvaluation(int Architectures = 32, int ValidationBatches = 300);

/// <summary>How a supernet run ended.</summary>
/// <param name="Training">The trainer's result (steps, throughput, last.ckpt).</param>
/// <param name="Sampled">Validation with a new sampled path per batch; null when interrupted.</param>
/// <param name="Fixed">Validation of each fixed architecture, on the validation prefix.</param>
/// <param name="FixedMedianLogloss">The median of their loglosses; null without any.</param>
/// <param name="Checkpoint">supernet.ckpt, or last.ckpt when interrupted.</param>
public sealed record SupernetTrainingResult(
    TrainingResult Training, BinaryMetrics? Sampled, IReadOnlyList<FixedArchitectureScore> Fixed, double? FixedMedianLogloss, string Checkpoint);

/// <summary>One fixed architecture's validation metrics; <see cref="SupernetTraining.FixedArchitecture"/> redraws it from its seed.</summary>
public sealed record FixedArchitectureScore(int Seed, BinaryMetrics Metrics);
