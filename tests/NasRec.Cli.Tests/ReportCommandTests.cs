using System.Globalization;
using System.Text.Json.Nodes;
using NasRec.Cli.Reports;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Search;
using NasRec.Runtime.Training;
using SkiaSharp;
using static TorchSharp.torch;

namespace NasRec.Cli.Tests;

/// <summary><c>nasrec report</c> on synthetic search journals and run folders.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void SearchReportDrawsTheSearchTheFrontAndBothRunsAndLinksEveryPlot()
    {
        WriteSearch(temp.File("search"), generations: 4, perGeneration: 6);
        WriteRun(temp.File("supernet"), steps: 40, tested: false);
        WriteRun(temp.File("winner"), steps: 20, tested: true);

        var result = CliRunner.Run("report", "--search", temp.File("search"), "--supernet", temp.File("supernet"), "--winner", temp.File("winner"),
            "--output", temp.File("report"));

        Assert.True(result.ExitCode == 0, result.Error);
        var report = File.ReadAllText(temp.File(Path.Combine("report", "report.md")));
        AssertPlot("search-progress.png", ReportPlots.BestColor, ReportPlots.MedianColor);
        AssertPlot("logloss-mflops.png", ReportPlots.CandidateColor, ReportPlots.FrontColor);
        AssertPlot("supernet-training.png", ReportPlots.TrainColor, ReportPlots.ValidationColor);
        AssertPlot("winner-training.png", ReportPlots.TrainColor, ReportPlots.ValidationColor);
        foreach (var plot in new[] { "search-progress.png", "logloss-mflops.png", "supernet-training.png", "winner-training.png" })
            Assert.Contains($"]({plot})", report);
        Assert.Contains("seed 7", report);
        Assert.Contains("| best found | 0.43000 |", report);
        Assert.Contains("| median of the initial random population | 0.47250 |", report);
        Assert.Contains("block  dense", report); // the inspect table of the winner
        Assert.Contains("| logloss | auc |", report); // the winner's test metrics
        Assert.Equal(Architecture, File.ReadAllText(temp.File(Path.Combine("report", "winner.arch.yaml"))));
    }

    [Fact]
    public void RunReportDrawsTheRunsCurvesAndListsItsTestMetrics()
    {
        WriteRun(temp.File("run"), steps: 30, tested: true);

        var result = CliRunner.Run("report", "--run", temp.File("run"));

        Assert.True(result.ExitCode == 0, result.Error);
        var report = File.ReadAllText(temp.File(Path.Combine("run", "report", "report.md")));
        Assert.Contains("](training.png)", report);
        Assert.Contains("| 0.44000 | 0.79000 |", report);
        Assert.Contains("CriteoNasRecNetSmall", report);
        AssertPlot(Path.Combine("run", "report", "training.png"), ReportPlots.TrainColor, ReportPlots.ValidationColor, folder: "");
    }

    [Fact]
    public void AJournalLineCutShortByAKilledSearchIsLeftOutAndACorruptOneIsAnError()
    {
        WriteSearch(temp.File("search"), generations: 1, perGeneration: 4);
        File.AppendAllText(temp.File(Path.Combine("search", "journal.jsonl")), "{\"index\":4,\"generation\":0,\"ha");
        Assert.Equal(4, JournalReader.Read(temp.File("search")).Count);

        File.WriteAllText(temp.File(Path.Combine("search", "journal.jsonl")), "{not json}\n" + File.ReadAllText(temp.File(Path.Combine("search", "journal.jsonl"))));
        var result = CliRunner.Run("report", "--search", temp.File("search"), "--spaces", Repository.Spaces);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains("line 1", result.Error);
    }

    [Fact]
    public void ParetoFrontKeepsExactlyTheCandidatesNoOtherBeatsOnBothLoglossAndMflops()
    {
        var candidates = new[] { (2.0, 0.45), (1.0, 0.50), (3.0, 0.44), (2.5, 0.46), (1.0, 0.48), (4.0, 0.44) }
            .Select((c, i) => new JournalEntry(i, 0, "h" + i, c.Item2, 0.7, 0.8, c.Item1, 0, null, "")).ToList();

        var front = ParetoFront.Of(candidates, c => c.ValLogloss, c => c.Mflops, c => c.Index);

        Assert.Equal(new[] { 4, 0, 2 }, front.Select(c => c.Index));
        Assert.Equal(2.5, Median.Of([4.0, 1, 2, 3]));
        Assert.Equal(2.0, Median.Of([3.0, 1, 2]));
    }

    private static readonly string Architecture = File.ReadAllText(Path.Combine(Repository.Spaces, "criteo", "nasrecnet-small.arch.yaml"));

    /// <summary>A search whose best candidate (0.43, the released Criteo NASRec-Small) is in the last generation.</summary>
    private static void WriteSearch(string folder, int generations, int perGeneration)
    {
        Directory.CreateDirectory(folder);
        var lines = new List<string>();
        int index = 0;
        for (int generation = -1; generation < generations - 1; generation++)
        {
            for (int i = 0; i < perGeneration; i++, index++)
            {
                double logloss = generation == generations - 2 && i == 0 ? 0.43 : 0.46 + 0.005 * i - 0.002 * (generation + 1);
                lines.Add(new JsonObject
                {
                    ["index"] = index, ["generation"] = generation, ["hash"] = "hash" + index.ToString(CultureInfo.InvariantCulture),
                    ["valLogloss"] = logloss, ["valAuc"] = 0.78, ["valAccuracy"] = 0.8, ["mflops"] = 0.5 + 0.37 * ((index * 7) % 11), ["params"] = 1000 + index,
                    ["parent"] = generation < 0 ? null : "hash0", ["architecture"] = Architecture,
                }.ToJsonString());
            }
        }
        File.WriteAllText(Path.Combine(folder, "journal.jsonl"), string.Join("\n", lines) + "\n");
        File.WriteAllText(Path.Combine(folder, "settings.json"), """{ "method": "regularized-evolution", "seed": 7, "population": 6 }""");
    }

    /// <summary>A run folder as <see cref="Trainer"/> writes it, its checkpoint carrying the released Criteo NASRec-Small.</summary>
    private static void WriteRun(string folder, int steps, bool tested)
    {
        using (var run = new RunFolder(folder))
        {
            for (int step = 1; step <= steps; step++)
            {
                run.Log("train", step * 10, [("loss", 0.6 - 0.1 * Math.Log(step)), ("lr", 0.1)]);
                if (step % 5 == 0) run.Log("val", step * 10, [("logloss", 0.55 - 0.08 * Math.Log(step)), ("auc", 0.7)]);
            }
            if (tested) run.Log("test", steps * 10, [("logloss", 0.44), ("auc", 0.79)]);
            var source = new SubnetSource(Architecture, File.ReadAllText(Path.Combine(Repository.Spaces, "nasrec-small.space.yaml")),
                File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml")), null);
            // The header is what a report reads; the weights can be any module's.
            using var weights = nn.Linear(1, 1);
            Checkpoint.Save(run.LastCheckpoint, new CheckpointHeader(source, new TrainingSettings(256, 0.1), TrainingPosition.Start, ""), weights, null);
        }
    }

    private void AssertPlot(string file, ScottPlot.Color first, ScottPlot.Color second, string folder = "report")
    {
        using var bitmap = SKBitmap.Decode(temp.File(Path.Combine(folder, file)));
        Assert.Equal((ReportPlots.Width, ReportPlots.Height), (bitmap.Width, bitmap.Height));
        var pixels = bitmap.Pixels;
        double mean = pixels.Average(p => (double)p.Red + p.Green + p.Blue);
        double variance = pixels.Average(p => Math.Pow(p.Red + p.Green + p.Blue - mean, 2));
        Assert.True(variance > 100, $"{file} is blank (variance {variance})");
        // The data's series are drawn in their own colours, not only axes and text.
        foreach (var color in new[] { first, second })
        {
            int count = pixels.Count(p => p.Red == color.R && p.Green == color.G && p.Blue == color.B);
            Assert.True(count > 100, $"{file} has {count} pixels of the colour {color}");
        }
    }
}
