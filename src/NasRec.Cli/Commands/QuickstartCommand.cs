using System.CommandLine;
using System.Text.Json;
using NasRec.Cli.Quickstart;
using NasRec.Runtime.Search;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec quickstart</c>: the whole flow on built-in synthetic data, in minutes on a laptop.</summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var defaults = QuickstartSettings.Default;
        var output = new Option<DirectoryInfo>("--output", "-o") { HelpName = "dir", Description = "The folder for everything it writes (default: quickstart-<time>); must be new or empty" };
        var rows = new Option<long?>("--rows") { HelpName = "count", Description = $"Synthetic rows (default {defaults.Rows:N0}, times --scale)" };
        var scale = new Option<double>("--scale") { HelpName = "factor", Description = "Multiplies the rows, the population, the generations and the fine-tuning steps (above 0, at most 1,000)", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "The seed of the data, the supernet, the search and the training", DefaultValueFactory = _ => defaults.Seed };
        var json = TrainingOptions.Json();
        var deviceOptions = new DeviceOptions();
        var quiet = TrainingOptions.Quiet();

        var command = new Command("quickstart",
            "Runs the whole flow on seeded synthetic Criteo-layout data with planted feature interactions: prepares the store, trains a " +
            "NASRec-Small supernet, searches it by regularized evolution, retrains the search's best architectures from scratch and exports the best " +
            "on validation, tests it beside the best and the median architecture of the initial random population and a logistic-regression " +
            "baseline, and writes a report folder. Its defaults are scaled down to finish in minutes on 2 CPU cores.")
        {
            output, rows, scale, seed, json, quiet,
        };
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            // Above 1,000 the sizes overflow their types (and the rows would fill a disk).
            if (!(r.GetValue(scale) is > 0 and <= 1_000)) throw new CommandException("--scale must be above 0 and at most 1,000");
            var settings = defaults.Scaled(r.GetValue(scale)) with { Seed = r.GetValue(seed) };
            if (r.GetValue(rows) is long count) settings = settings with { Rows = count >= 100 ? count : throw new CommandException("--rows must be at least 100") };
            var folder = r.GetValue(output)?.FullName ?? Path.GetFullPath($"quickstart-{DateTime.Now:yyyyMMdd-HHmmss}");
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new CommandException($"{folder} already holds files: give a new or empty --output");

            // The steps and their progress go where the final table does not: stderr with --json, nowhere with --quiet.
            var log = r.GetValue(quiet) ? TextWriter.Null : r.GetValue(json) ? stderr : stdout;
            log.WriteLine($"Quickstart into {folder}: {settings.Describe()}");
            QuickstartResult result;
            try
            {
                result = TrainingOptions.UntilCtrlC(cancel => new QuickstartFlow(settings, folder, targetDevice, log).Run(cancel));
            }
            catch (OperationCanceledException)
            {
                throw new CommandException($"interrupted; what the finished steps wrote is in {folder}");
            }
            catch (SearchException e)
            {
                throw new CommandException(e.Message);
            }
            if (r.GetValue(json))
            {
                stdout.WriteLine(QuickstartTable.Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                stdout.WriteLine();
                stdout.Write(QuickstartTable.Text(result));
                stdout.WriteLine($"Found architecture: {result.ArchPath}");
                stdout.WriteLine($"Report: {Path.Combine(result.ReportDir, "report.md")}");
                stdout.WriteLine($"Score rows with it: {result.Predict}");
                stdout.WriteLine($"Next, train it on your own schedule: {result.TrainAgain} [--epochs N]");
            }
            return 0;
        }));
        return command;
    }
}
