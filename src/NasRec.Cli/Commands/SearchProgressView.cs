using NasRec.Runtime.Search;

namespace NasRec.Cli.Commands;

/// <summary>A search's progress (generation, candidates, best so far, ETA); about 50 plain lines in all.</summary>
internal static class SearchProgressView
{
    private const int PlainLines = 50;

    public static T Show<T>(TextWriter error, int total, Func<Action<SearchProgress>, T> run) =>
        ProgressView.Show(error, "search", total, total / PlainLines, Describe, run);

    private static ProgressLine Describe(SearchProgress p) => new(
        p.Done, p.Total, p.Remaining,
        $"{(p.Generation < 0 ? "initial" : $"generation {p.Generation + 1}/{p.Generations}")}  candidates {p.Done:N0}/{p.Total:N0}  " +
        $"best val logloss {p.BestValLogloss:F5}");
}
