using NasRec.Runtime.Metrics;
using NasRec.Runtime.Search;
using ScottPlot;

namespace NasRec.Cli.Reports;

/// <summary>The report's PNG plots (ScottPlot), each series in its own fixed colour.</summary>
internal static class ReportPlots
{
    public const int Width = 900;
    public const int Height = 540;

    public static readonly Color BestColor = new(0x1f, 0x77, 0xb4);
    public static readonly Color MedianColor = new(0xff, 0x7f, 0x0e);
    public static readonly Color CandidateColor = new(0x9a, 0x9a, 0x9a);
    public static readonly Color FrontColor = new(0xd6, 0x27, 0x28);
    public static readonly Color TrainColor = new(0x1f, 0x77, 0xb4);
    public static readonly Color ValidationColor = new(0xd6, 0x27, 0x28);

    /// <summary>The best validation logloss found up to each generation, and the median of each generation's candidates.</summary>
    public static void SearchProgress(IReadOnlyList<JournalEntry> candidates, string path)
    {
        var generations = candidates.GroupBy(c => c.Generation).OrderBy(g => g.Key).ToList();
        var xs = generations.Select(g => (double)g.Key).ToArray();
        var bestSoFar = new double[generations.Count];
        double best = double.PositiveInfinity;
        for (int i = 0; i < generations.Count; i++) bestSoFar[i] = best = Math.Min(best, generations[i].Min(c => c.ValLogloss));
        var medians = generations.Select(g => Median.Of(g.Select(c => c.ValLogloss))).ToArray();

        var plot = new Plot();
        Line(plot, xs, bestSoFar, BestColor, "best so far");
        Line(plot, xs, medians, MedianColor, "median of the generation's candidates");
        Save(plot, "Search progress", "generation (-1: the initial random population)", "validation logloss", path);
    }

    /// <summary>Validation logloss against MFLOPs for every candidate, the non-dominated front drawn over them.</summary>
    public static void LoglossAgainstMflops(IReadOnlyList<JournalEntry> candidates, IReadOnlyList<JournalEntry> front, string path)
    {
        var plot = new Plot();
        var all = plot.Add.ScatterPoints(candidates.Select(c => c.Mflops).ToArray(), candidates.Select(c => c.ValLogloss).ToArray(), CandidateColor);
        all.MarkerSize = 6;
        all.LegendText = "candidates";
        var line = Line(plot, front.Select(c => c.Mflops).ToArray(), front.Select(c => c.ValLogloss).ToArray(), FrontColor, "Pareto front");
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 9;
        Save(plot, "Validation logloss against cost", "MFLOPs per sample", "validation logloss", path);
    }

    /// <summary>A training run's mean training loss and validation logloss against the step.</summary>
    public static void TrainingCurves(RunMetrics metrics, string title, string path)
    {
        var plot = new Plot();
        if (metrics.TrainLoss.Count > 0)
            Line(plot, metrics.TrainLoss.Select(p => (double)p.Step).ToArray(), metrics.TrainLoss.Select(p => p.Value).ToArray(), TrainColor, "training loss (mean since the last point)");
        if (metrics.ValLogloss.Count > 0)
            Line(plot, metrics.ValLogloss.Select(p => (double)p.Step).ToArray(), metrics.ValLogloss.Select(p => p.Value).ToArray(), ValidationColor, "validation logloss");
        Save(plot, title, "step", "logloss", path);
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, Color color, string legend)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LineWidth = 2.5f;
        scatter.MarkerSize = 6;
        scatter.LegendText = legend;
        return scatter;
    }

    private static void Save(Plot plot, string title, string xLabel, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }
}
