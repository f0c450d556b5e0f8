using NasRec.Runtime.Training;
using Spectre.Console;

namespace NasRec.Cli.Commands;

/// <summary>
/// Shows a run's progress on standard error: a live Spectre.Console bar (step, rows/s, loss, lr, ETA) on a terminal,
/// plain lines without escape codes when the output is redirected or captured.
/// </summary>
internal static class TrainingProgressView
{
    private const int PlainEvery = 100;

    public static T Show<T>(TextWriter error, long totalSteps, Func<Action<TrainingProgress>, T> run)
    {
        bool live = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        if (!live) return run(progress => Plain(error, progress));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: totalSteps);
                return run(progress =>
                {
                    task.Value = progress.Step;
                    task.Description = Line(progress);
                });
            });
    }

    private static void Plain(TextWriter error, TrainingProgress progress)
    {
        if (progress.Step % PlainEvery != 0 && progress.Step != progress.TotalSteps) return;
        error.WriteLine($"{Line(progress)}  ETA {progress.Remaining:hh\\:mm\\:ss}");
    }

    private static string Line(TrainingProgress p) =>
        $"step {p.Step:N0}/{p.TotalSteps:N0}  epoch {p.Epoch + 1}  loss {(float.IsNaN(p.Loss) ? "-" : p.Loss.ToString("F4"))}  lr {p.LearningRate:G3}  {p.SamplesPerSecond:N0} rows/s";
}
