using NasRec.Runtime.Metrics;

namespace NasRec.Runtime.Training;

/// <summary>How a run ended.</summary>
/// <param name="Steps">Steps done.</param>
/// <param name="Interrupted">Cancelled before the end; last.ckpt holds where it stopped and nothing was tested.</param>
/// <param name="StoppedEarly">Ended by <see cref="TrainingSettings.Patience"/>.</param>
/// <param name="BestStep">The step of the best validation checkpoint; null without validation.</param>
/// <param name="Validation">The best validation metrics; null without validation.</param>
/// <param name="Test">The test metrics of <paramref name="Checkpoint"/>; null when interrupted or when the run has no test.</param>
/// <param name="SamplesPerSecond">Training throughput of this invocation, evaluation and checkpoints excluded.</param>
/// <param name="Checkpoint">The checkpoint the run selects (and tests): best.ckpt with validation and
/// <see cref="TrainingSettings.KeepBest"/>, else last.ckpt.</param>
public sealed record TrainingResult(
    long Steps, bool Interrupted, bool StoppedEarly, long? BestStep, BinaryMetrics? Validation, BinaryMetrics? Test,
    double SamplesPerSecond, string Checkpoint);

/// <summary>Reported after every step, for a progress display. <paramref name="Loss"/> is NaN for a partial batch.</summary>
/// <param name="Remaining">The training time left at this invocation's pace (evaluations excluded).</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, float Loss, double LearningRate, double SamplesPerSecond, TimeSpan Remaining);

/// <summary>The loss became NaN or infinite; the run stopped without writing anything from that step.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
