using NasRec.Runtime.Search;
using Spectre.Console;

namespace NasRec.Cli.Commands;

/// <summary>
/// Shows a search's progress on standard error: a live Spectre.Console bar (generation, candidates, best so far, ETA)
/// on a terminal; plain lines without escape codes when the output is redirected or captured, about 50 in all.
/// </summary>
internal static class SearchProgressView
{
    private const int PlainLines = 50;

    public static T Show<T>(TextWriter error, int total, Func<Action<SearchProgress>, T> run)
    {
        bool live = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        if (!live) return run(progress => Plain(error, progress));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("search", maxValue: total);
                return run(progress =>
                {
                    task.MaxValue = progress.Total;
                    task.Value = progress.Done;
                    task.Description = Markup.Escape(Line(progress));
                });
            });
    }

    private static void Plain(TextWriter error, SearchProgress progress)
    {
        if (progress.Done % Math.Max(1, progress.Total / PlainLines) != 0 && progress.Done != progress.Total) return;
        error.WriteLine($"{Line(progress)}  ETA {progress.Remaining:hh\\:mm\\:ss}");
    }

    private static string Line(SearchProgress p) =>
        $"{(p.Generation < 0 ? "initial" : $"generation {p.Generation + 1}/{p.Generations}")}  candidates {p.Done:N0}/{p.Total:N0}  " +
        $"best val logloss {p.BestValLogloss:F5}";
}
