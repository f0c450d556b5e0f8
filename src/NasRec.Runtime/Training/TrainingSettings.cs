using NasRec.Runtime.Metrics;
using NasRec.Runtime.Optim;

namespace NasRec.Runtime.Training;

/// <summary>How a run trains (spec §5.1 and §5.2; the defaults are ours, <c>--recipe reference</c> sets the reference's).</summary>
/// <param name="Steps">Optimizer steps in all (also the schedule's T); null: every batch of every epoch.</param>
/// <param name="EvaluateEvery">Validation every this many steps (and at each epoch's end and the run's end); 0: only at the end.</param>
/// <param name="Patience">Stop after this many validations without a better logloss; null: never.</param>
/// <param name="CheckpointEvery">Write last.ckpt every this many steps (and at the end); 0: only at the end.</param>
/// <param name="ReferenceRecipe">The reference's recipe: trainval in round-robin shard order, no validation, the last
/// model tested at the end. Otherwise: train, validation with best-checkpoint selection, test of the best checkpoint.</param>
/// <param name="Shuffle">Our recipe: a new order of the training rows each epoch (from <paramref name="Seed"/> and the epoch).</param>
/// <param name="LogEvery">Mean training loss to the metrics every this many steps (the reference's display interval).</param>
/// <param name="KeepBest">Write best.ckpt at each better validation and test it. False (a supernet, whose final weights are
/// what the run yields): validations trace the curve, and last.ckpt is tested.</param>
/// <param name="InitialAccumulator">Adagrad's starting accumulator <c>G</c>. The reference's 0 makes every weight's first
/// steps about ±lr whatever its gradient, which a run of thousands of warm-up steps absorbs and a short one does not.</param>
/// <param name="WarmupSteps">The schedule's linear warm-up; null: the reference's tenth of the run.</param>
public sealed record TrainingSettings(
    int BatchSize,
    double LearningRate,
    ScheduleKind Schedule = ScheduleKind.Cosine,
    int Epochs = 1,
    long? Steps = null,
    long EvaluateEvery = 10_000,
    int? Patience = null,
    long CheckpointEvery = 10_000,
    bool ReferenceRecipe = false,
    bool Shuffle = true,
    int Seed = 0,
    double WeightDecay = 0,
    double ClipNorm = 5.0,
    int LogEvery = 100,
    bool KeepBest = true,
    double InitialAccumulator = 0,
    long? WarmupSteps = null)
{
    /// <summary>The learning rate at each step of a run of <paramref name="totalSteps"/>.</summary>
    public LearningRateSchedule ScheduleFor(long totalSteps) =>
        new(Schedule, LearningRate, totalSteps, WarmupSteps ?? LearningRateSchedule.ReferenceWarmup(totalSteps));
}

/// <summary>How far a run got: the next step, where in the data it is, and the best validation so far.</summary>
/// <param name="Step">Steps done (partial batches included, as the reference counts them).</param>
/// <param name="BatchInEpoch">Batches of <paramref name="Epoch"/> already consumed.</param>
/// <param name="EvaluationsWithoutImprovement">For <see cref="TrainingSettings.Patience"/>.</param>
/// <param name="ValidatedStep">The step of the last validation, so that a resumed run does not repeat it.</param>
public sealed record TrainingPosition(
    long Step, int Epoch, long BatchInEpoch, BinaryMetrics? BestValidation, long? BestStep, int EvaluationsWithoutImprovement, long? ValidatedStep)
{
    public static TrainingPosition Start { get; } = new(0, 0, 0, null, null, 0, null);
}
