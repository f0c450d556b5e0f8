using Spectre.Console;

namespace NasRec.Cli.Commands;

/// <summary>Where a long phase stands: units done of a total, the time left, and the line a user reads.</summary>
internal readonly record struct ProgressLine(long Done, long Total, TimeSpan Remaining, string Text);

/// <summary>
/// Shows a long phase's progress on standard error: a live Spectre.Console bar on a terminal, plain lines without
/// escape codes (every <c>plainEvery</c> units and at the end) when the output is redirected or captured.
/// </summary>
internal static class ProgressView
{
    public static T Show<TProgress, T>(
        TextWriter error, string name, long total, long plainEvery, Func<TProgress, ProgressLine> describe, Func<Action<TProgress>, T> run)
    {
        bool live = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        if (!live) return run(progress => Plain(error, describe(progress), Math.Max(1, plainEvery)));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(name, maxValue: total);
                return run(progress =>
                {
                    var line = describe(progress);
                    task.MaxValue = line.Total;
                    task.Value = line.Done;
                    task.Description = Markup.Escape(line.Text);
                });
            });
    }

    private static void Plain(TextWriter error, ProgressLine line, long every)
    {
        if (line.Done % every != 0 && line.Done != line.Total) return;
        error.WriteLine($"{line.Text}  ETA {line.Remaining:hh\\:mm\\:ss}");
    }
}
