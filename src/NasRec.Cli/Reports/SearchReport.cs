using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Dsl.Analysis;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Search;
using static NasRec.Cli.Reports.MarkdownText;
using static System.FormattableString;

namespace NasRec.Cli.Reports;

/// <summary>What a search report is made from.</summary>
/// <param name="SearchFolder">Written by <c>nasrec search</c>: journal.jsonl and settings.json.</param>
/// <param name="SupernetRun">The run folder of the supernet the search used, for its training curves.</param>
/// <param name="WinnerRun">The run folder of the found architecture retrained from scratch: its curves, test metrics and model.</param>
/// <param name="SpacesFolder">Where the found architecture's space and dataset are, when there is no winner run to read them from.</param>
internal sealed record SearchReportInputs(string SearchFolder, string? SupernetRun, string? WinnerRun, string? SpacesFolder);

/// <summary>
/// Writes a report folder: <c>report.md</c> with the search's progress, every candidate against its cost with the
/// Pareto front, the training curves of the supernet and of the retrained winner, the winner's blocks and YAML, and
/// the settings; the plots as PNG files beside it.
/// </summary>
internal static class SearchReport
{
    public const string FileName = "report.md";
    public const string WinnerFile = "winner.arch.yaml";

    /// <summary>Writes the report of a search; <paramref name="results"/> (Markdown) opens it when given.</summary>
    /// <returns>The path of report.md.</returns>
    public static string Write(SearchReportInputs inputs, string output, string? results = null)
    {
        var journal = JournalReader.Read(inputs.SearchFolder);
        // A candidate whose fine-tuning diverged has no score to plot or rank: it is counted, not drawn.
        var candidates = journal.Where(c => !double.IsNaN(c.ValLogloss)).ToList();
        if (candidates.Count == 0) throw new CommandException($"every candidate of {inputs.SearchFolder} diverged: there is nothing to report");
        var supernet = inputs.SupernetRun is null ? null : RunMetrics.Read(inputs.SupernetRun);
        var winnerRun = inputs.WinnerRun is null ? null : RunMetrics.Read(inputs.WinnerRun);
        var best = candidates.MinBy(c => c.ValLogloss)!;
        var model = inputs.WinnerRun is not null
            ? ReportInputs.ModelOf(inputs.WinnerRun) as SubnetSource ?? throw new CommandException($"--winner {inputs.WinnerRun} is not the run of an architecture")
            : ModelFromSpaces(best.Architecture, inputs.SpacesFolder);
        Directory.CreateDirectory(output);

        var settings = ReportInputs.Settings(inputs.SearchFolder);
        var markdown = new MarkdownText().Heading(1, "Search report");
        if (results is not null) markdown.Line(results.TrimEnd()).Line();
        markdown.Paragraph(Invariant($"Search folder `{Path.GetFullPath(inputs.SearchFolder)}`: {journal.Count} candidates evaluated") +
            Invariant($"{(journal.Count > candidates.Count ? $" ({journal.Count - candidates.Count} diverged)" : "")}, ") +
            Invariant($"{candidates.Max(c => c.Generation) + 1} generation(s) after the initial population{SeedOf(settings)}."));
        Outcome(markdown, candidates, best);

        ReportPlots.SearchProgress(candidates, Path.Combine(output, "search-progress.png"));
        markdown.Image("Search progress: best and median validation logloss per generation", "search-progress.png");
        var front = ParetoFront.Of(candidates, c => c.ValLogloss, c => c.Mflops, c => c.Index);
        ReportPlots.LoglossAgainstMflops(candidates, front, Path.Combine(output, "logloss-mflops.png"));
        markdown.Image("Validation logloss against MFLOPs, every candidate, Pareto front highlighted", "logloss-mflops.png");
        markdown.Heading(2, "Pareto front").Table(
            ["MFLOPs", "validation logloss", "params", "generation", "hash"],
            front.Select(c => (IReadOnlyList<string>)[Number(c.Mflops, "F4"), Number(c.ValLogloss), Invariant($"{c.Params:N0}"), Invariant($"{c.Generation}"), Short(c.Hash)]));

        markdown.Heading(2, "The found architecture");
        File.WriteAllText(Path.Combine(output, WinnerFile), best.Architecture);
        Architecture(markdown, model);
        markdown.Paragraph($"Its YAML ([{WinnerFile}]({WinnerFile})), which the generator compiles into a typed class:").Code("yaml", best.Architecture);

        if (supernet is not null || winnerRun is not null) markdown.Heading(2, "Training");
        if (supernet is not null) Run(markdown, output, "Supernet", inputs.SupernetRun!, supernet, "supernet-training.png");
        if (winnerRun is not null) Run(markdown, output, "The found architecture retrained from scratch", inputs.WinnerRun!, winnerRun, "winner-training.png");

        markdown.Heading(2, "Settings");
        if (settings is not null) markdown.Paragraph("The search's settings.json:").Code("json", settings);
        markdown.Heading(2, "Logs").Line(Invariant($"- search journal: `{Path.GetFullPath(Path.Combine(inputs.SearchFolder, SearchJournal.FileName))}`"));
        foreach (var run in new[] { inputs.SupernetRun, inputs.WinnerRun }.OfType<string>())
            markdown.Line($"- run `{Path.GetFullPath(run)}`: metrics.jsonl, tensorboard/, summary.json");
        return Save(markdown, output);
    }

    /// <summary>Writes the report of one training run: its curves, test metrics, model and settings.</summary>
    public static string WriteRun(string runFolder, string output)
    {
        var metrics = RunMetrics.Read(runFolder);
        var model = ReportInputs.ModelOf(runFolder);
        Directory.CreateDirectory(output);
        var markdown = new MarkdownText().Heading(1, "Training report");
        Run(markdown, output, "Training", runFolder, metrics, "training.png");
        markdown.Heading(2, "Model");
        switch (model)
        {
            case SubnetSource subnet:
                Architecture(markdown, subnet);
                markdown.Code("yaml", subnet.ArchitectureYaml);
                break;
            case SupernetSource supernet:
                var (space, supernetDataset) = supernet.Resolve();
                markdown.Paragraph($"The supernet of the search space {space.Name} over the dataset {supernetDataset.Name}.");
                break;
            case LogisticSource logistic:
                markdown.Paragraph($"The logistic-regression baseline over the dataset {logistic.Resolve().Name}.");
                break;
        }
        return Save(markdown, output);
    }

    private static void Outcome(MarkdownText markdown, IReadOnlyList<JournalEntry> candidates, JournalEntry best)
    {
        var initial = candidates.Where(c => c.Generation < 0).ToList();
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "best found", Number(best.ValLogloss), Number(best.Mflops, "F4"), Invariant($"generation {best.Generation}, hash {Short(best.Hash)}") },
        };
        if (initial.Count > 0 && initial.Count < candidates.Count)
        {
            var bestInitial = initial.MinBy(c => c.ValLogloss)!;
            rows.Add(["best of the initial random population", Number(bestInitial.ValLogloss), Number(bestInitial.Mflops, "F4"), Invariant($"{initial.Count} candidates")]);
            rows.Add(["median of the initial random population", Number(Median.Of(initial.Select(c => c.ValLogloss))), "", ""]);
        }
        markdown.Table(["", "validation logloss", "MFLOPs", ""], rows);
    }

    private static void Architecture(MarkdownText markdown, SubnetSource model)
    {
        var (architecture, space, dataset) = model.Resolve();
        markdown.Code("text", ReportTable.Write(architecture, ArchitectureAnalyzer.Analyze(architecture, space, dataset)));
    }

    private static void Run(MarkdownText markdown, string output, string title, string folder, RunMetrics metrics, string plot)
    {
        markdown.Heading(3, title).Paragraph($"Run folder `{Path.GetFullPath(folder)}`.");
        ReportPlots.TrainingCurves(metrics, title, Path.Combine(output, plot));
        markdown.Image(title + ": training loss and validation logloss against the step", plot);
        if (metrics.Test is { } test)
            markdown.Paragraph("Test metrics:").Table([.. test.Keys], [test.Values.Select(v => Number(v)).ToArray()]);
        if (ReportInputs.Settings(folder) is { } settings) markdown.Code("json", settings);
    }

    /// <summary>The best candidate's YAML with the space and dataset documents of the spaces folder it names.</summary>
    private static SubnetSource ModelFromSpaces(string architectureYaml, string? spacesFolder)
    {
        var folder = Cli.SpacesFolder.Resolve(spacesFolder is null ? null : new DirectoryInfo(spacesFolder));
        var workspace = Cli.SpacesFolder.Load(folder).With(WinnerFile, architectureYaml);
        var architecture = workspace.Architectures.SingleOrDefault()
            ?? throw new CommandException("The search journal's best candidate is not an architecture document");
        string Text(string? name, Func<string, Dsl.Model.NasRecDocument?> find, string kind) =>
            (name is null ? null : find(name)) is { } document
                ? File.ReadAllText(workspace.Files.First(f => ReferenceEquals(f.Document, document)).File)
                : throw new CommandException($"{kind} '{name}' of the found architecture is not in {folder}; pass --winner <run> or --spaces <dir>");
        return new SubnetSource(architectureYaml, Text(architecture.Space, workspace.Catalog.Space, "Search space"),
            Text(architecture.Dataset, workspace.Catalog.Dataset, "Dataset"), null);
    }

    private static string SeedOf(string? settings) =>
        settings is not null && JsonNode.Parse(settings)?["seed"] is JsonValue seed ? $", seed {seed.ToJsonString()}" : "";

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;

    private static string Save(MarkdownText markdown, string output)
    {
        var path = Path.Combine(output, FileName);
        AtomicFile.WriteAllText(path, markdown.ToString());
        return path;
    }
}
