using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NasRec.Cli.Output;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Inspection;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;
using Spectre.Console;

namespace NasRec.Cli.Commands.Data;

/// <summary><c>nasrec data</c>: prepare raw CTR data into a store, inspect a store, time batch reading.</summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "Generates synthetic click data, prepares raw CTR data into a memory-mapped store and inspects it.")
    {
        SynthCommand.Create(), Prepare(), Inspect(), Bench(),
    };

    private static Command Prepare()
    {
        var dataset = new Option<string>("--dataset")
        {
            HelpName = "name|file", Description = "The dataset describing the input: a name in the spaces folder or a *.dataset.yaml file", Required = true,
        };
        var input = new Option<string>("--input") { HelpName = "file|folder", Description = "The raw file (or a folder of files read in name order); with --split none, a folder of train/val/test files or the reference's shard-*/ folders", Required = true };
        var output = new Option<string>("--output", "-o") { HelpName = "dir", Description = "The store to create (must not exist)", Required = true };
        var split = new Option<SplitMode>("--split") { Description = "stratified: the reference's 8/1/1 split (StratifiedKFold 10, seed 2018); none: the input is already split", DefaultValueFactory = _ => SplitMode.Stratified };
        var offByOne = new Option<bool>("--reference-off-by-one") { Description = "Reproduce the reference split tool's Criteo/KDD bug (folds applied one line late, the first line dropped) to get its exact shards" };
        var skip = new Option<bool>("--skip-bad-rows") { Description = "Skip bad rows, counting them per kind, instead of stopping at the first" };
        var spaces = SpacesFolder.CreateOption();
        var indices = new Option<bool>("--write-indices") { Description = "Write each split's source row numbers (0-based, header excluded) to <store>/indices/{train,val,test}.txt" };
        var command = new Command("prepare", "Reads the input once into a binary store: labels, transformed dense values, categorical values before the table-size modulo, a JSON manifest.")
        {
            dataset, input, output, split, offByOne, skip, indices, spaces,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, stderr) =>
        {
            var schema = SpacesFolder.FileOrNamed("--dataset", "dataset", parseResult.GetRequiredValue(dataset), parseResult.GetValue(spaces), near: null,
                (catalog, name) => catalog.Dataset(name));
            var options = new PrepareOptions(parseResult.GetValue(split), parseResult.GetValue(offByOne), parseResult.GetValue(skip), parseResult.GetValue(indices));
            return RunPrepare(schema, parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(output), options, stdout, stderr);
        }));
        return command;
    }

    private static int RunPrepare((string File, string Text) schemaDocument, string input, string output, PrepareOptions options, TextWriter stdout, TextWriter stderr)
    {
        var (schemaFile, text) = schemaDocument;
        var parsed = DocumentParser.Parse(schemaFile, text);
        foreach (var diagnostic in parsed.Diagnostics) stderr.WriteLine(diagnostic);
        if (parsed.Diagnostics.Any(d => d.IsError)) return 1;
        if (parsed.Document is not DatasetSchema schema) throw new CommandException($"{schemaFile} is not a Dataset document");

        var clock = Stopwatch.StartNew();
        var (manifest, notes) = TrainingOptions.AllOrNothing("no store", cancel =>
            WithProgress(stdout, progress => new DataPreparer(schema, text, options, progress).Prepare(input, output, cancel)));
        clock.Stop();

        foreach (var note in notes) stderr.WriteLine(note);
        ReportSkipped(manifest.BadRows, stderr);
        long rows = manifest.Splits.Values.Sum(s => s.Rows);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepared {rows} rows into {output} in {clock.Elapsed.TotalSeconds:F1} s ({rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} rows/s)"));
        foreach (var (name, summary) in manifest.Splits)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-5} {summary.Rows,12} rows  positive rate {summary.PositiveRate:F4}"));
        return 0;
    }

    /// <summary>The bad rows a preparation skipped, by kind, with the first examples; nothing when none.</summary>
    internal static void ReportSkipped(BadRowSummary bad, TextWriter stderr)
    {
        if (bad.Skipped == 0) return;
        stderr.WriteLine($"skipped {bad.Skipped} bad rows: {string.Join(", ", bad.Counts.Select(c => $"{c.Value} {c.Key}"))}");
        foreach (var example in bad.Examples) stderr.WriteLine("  " + example);
    }

    /// <summary>Runs a preparation with a live progress bar when standard output is the console.</summary>
    internal static T WithProgress<T>(TextWriter stdout, Func<IProgress<PrepareProgress>?, T> work) =>
        Console.IsOutputRedirected || stdout != Console.Out ? work(null) : WithProgressBar(work);

    private static T WithProgressBar<T>(Func<IProgress<PrepareProgress>, T> work) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("reading");
                var clock = Stopwatch.StartNew();
                string? phase = null;
                return work(new Progress<PrepareProgress>(p =>
                {
                    // Each phase counts its rows from 0: its rate from its own start.
                    if (p.Phase != phase) (phase, clock) = (p.Phase, Stopwatch.StartNew());
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Rows:N0} rows ({p.Rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} rows/s)");
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                }));
            });

    private static Command Inspect()
    {
        var store = new Argument<string>("store") { Description = "A store made by 'nasrec data prepare'" };
        var command = new Command("inspect", "Prints per split the rows and positive rate, and per feature the missing rate and an estimate of distinct values.") { store };
        command.SetAction(CommandAction.Of((parseResult, stdout, _) =>
        {
            using var data = DataStore.Open(parseResult.GetRequiredValue(store));
            var m = data.Manifest;
            stdout.WriteLine($"{data.Directory}: dataset {m.Dataset}, {m.ToolVersion}, split {m.Split.Mode.ToString().ToLowerInvariant()}" +
                             (m.Split.ReferenceOffByOne ? " (reference off-by-one)" : ""));
            foreach (var split in StoreInspection.Inspect(data))
            {
                stdout.WriteLine();
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{split.Split.ToString().ToLowerInvariant()}: {split.Rows} rows, positive rate {split.PositiveRate:F4}"));
                var table = new TextTable(new TextColumn("feature"), new TextColumn("kind"), new TextColumn("missing", AlignRight: true), new TextColumn("distinct (est.)", AlignRight: true));
                foreach (var f in split.Features)
                    table.Add(f.Name, f.Dense ? "dense" : "sparse", string.Create(CultureInfo.InvariantCulture, $"{f.MissingRate:P2}"), f.Distinct.ToString(CultureInfo.InvariantCulture));
                stdout.Write(table.ToString());
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The batch-iteration benchmark: rows/s of reading a split as batches.</summary>
    private static Command Bench()
    {
        var store = new Argument<string>("store") { Description = "A store made by 'nasrec data prepare'" };
        var split = new Option<DataSplit>("--split") { DefaultValueFactory = _ => DataSplit.Train, Description = "The split to read" };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 256, Description = "Rows per batch" };
        var cap = new Option<long?>("--table-cap") { DefaultValueFactory = _ => 500_000, Description = "Cap on table sizes (the modulo); the search's 500000 by default" };
        var order = new Option<BatchOrder>("--order") { DefaultValueFactory = _ => BatchOrder.Sequential, Description = "Sequential, Shuffled or RoundRobinShards" };
        var passes = new Option<int>("--passes") { DefaultValueFactory = _ => 3, Description = "How many times to read the split" };
        var command = new Command("bench", "Reads a split as batches and prints rows/s per pass (the batch-iteration benchmark).") { store, split, batch, cap, order, passes };
        command.SetAction(CommandAction.Of((parseResult, stdout, _) =>
        {
            if (parseResult.GetValue(batch) < 1 || parseResult.GetValue(passes) < 1) throw new CommandException("--batch-size and --passes must be at least 1");
            if (parseResult.GetValue(cap) < 1) throw new CommandException("--table-cap must be at least 1");
            using var data = DataStore.Open(parseResult.GetRequiredValue(store));
            var options = new BatchOptions(parseResult.GetValue(batch), data.Schema.TableSizes(parseResult.GetValue(cap)).ToList()) { Order = parseResult.GetValue(order) };
            using var reader = data.Read(parseResult.GetValue(split), options);
            // The first pass also pays for loading libtorch and the page cache: every pass is timed and printed.
            for (int pass = 1; pass <= parseResult.GetValue(passes); pass++)
            {
                var clock = Stopwatch.StartNew();
                long rows = 0;
                foreach (var b in reader) rows += b.Size;
                clock.Stop();
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pass {pass}: read {rows} rows in {reader.Batches} batches in {clock.Elapsed.TotalSeconds:F2} s: {rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} rows/s"));
            }
            return 0;
        }));
        return command;
    }
}
