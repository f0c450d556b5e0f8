using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary>A training run's progress (step, epoch, loss, rate, rows/s, ETA); a plain line every 100 steps.</summary>
internal static class TrainingProgressView
{
    private const int PlainEvery = 100;

    public static T Show<T>(TextWriter error, long totalSteps, Func<Action<TrainingProgress>, T> run) =>
        ProgressView.Show(error, "training", totalSteps, PlainEvery, Describe, run);

    private static ProgressLine Describe(TrainingProgress p) => new(
        p.Step, p.TotalSteps, p.Remaining,
        $"step {p.Step:N0}/{p.TotalSteps:N0}  epoch {p.Epoch + 1}  loss {(float.IsNaN(p.Loss) ? "-" : p.Loss.ToString("F4"))}  lr {p.LearningRate:G3}  {p.SamplesPerSecond:N0} rows/s");
}
