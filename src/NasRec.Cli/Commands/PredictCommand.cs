using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NasRec.Cli.Commands.Data;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec predict</c>: a trained model's click probability for every row of a raw file.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { HelpName = "file.ckpt", Description = "A checkpoint written by nasrec train", Required = true }.AcceptExistingOnly();
        var data = new Option<DirectoryInfo>("--data")
        {
            HelpName = "store",
            Description = "The store the model was trained on: the rows are read in its dataset's layout and encoded with the encodings fitted on its training split",
            Required = true,
        };
        var input = new Option<string>("--input") { HelpName = "file|folder", Description = "The raw rows (a file, or a folder of files read in name order)", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { HelpName = "file.csv", Description = "Where to write row,label,probability per row (row: the 0-based data row of the input, header excluded)", Required = true };
        var noLabels = new Option<bool>("--no-labels") { Description = "The rows have no label column (as Kaggle's test files): only probabilities are written, no metrics" };
        var skip = new Option<bool>("--skip-bad-rows") { Description = "Skip bad rows, counting them per kind, instead of stopping at the first (their row numbers are missing from the output)" };
        var json = TrainingOptions.Json();
        var deviceOptions = new DeviceOptions();

        var command = new Command("predict",
            "Scores raw rows with a trained model: reads them as the training store read its own (same layout, same fitted encodings), writes each row's click probability, and with labelled rows prints the metrics too.")
        {
            checkpoint, data, input, output, noLabels, skip, json,
        };
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var path = r.GetRequiredValue(checkpoint).FullName;
            var header = Checkpoint.ReadHeader(path);
            var model = TrainingModel.Build(header.Model, targetDevice);
            using var module = model.Module;
            Checkpoint.Load(path, module, optimizer: null);
            using var store = TrainingOptions.OpenStore(r.GetRequiredValue(data), model.Dataset);
            TrainingOptions.RequireTheTrainingEncodings(path, header.Data, store);

            var outputFile = r.GetRequiredValue(output).FullName;
            var inputPath = r.GetRequiredValue(input);
            var options = new RawRowOptions(Labelled: !r.GetValue(noLabels), SkipBadRows: r.GetValue(skip));
            var clock = Stopwatch.StartNew();
            var scored = TrainingOptions.AllOrNothing("no scores file", cancel => DataCommand.WithProgress(stdout, progress =>
                RawRowScoring.Score(module, model.TableSizes, store, inputPath, options, targetDevice, progress, cancel)));
            scored.WriteCsv(outputFile);
            clock.Stop();

            DataCommand.ReportSkipped(scored.BadRows, stderr);
            var metrics = Metrics(scored, stderr);
            if (r.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        input = inputPath, output = outputFile, checkpoint = path, rows = scored.Scores.Count, skipped = scored.BadRows.Skipped,
                        metrics = metrics is null ? null : new { metrics.Logloss, metrics.Auc, ne = metrics.NormalizedEntropy, metrics.Accuracy, metrics.Calibration },
                    },
                    TrainingOptions.JsonObject));
            }
            else
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scored {scored.Scores.Count:N0} rows of {inputPath} into {outputFile} in {clock.Elapsed.TotalSeconds:F1} s"));
                if (metrics is not null) stdout.WriteLine(TrainingOptions.Describe(metrics));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The rows' metrics when they have labels of both classes; a note on standard error when they are of one.</summary>
    private static BinaryMetrics? Metrics(ScoredRows scored, TextWriter stderr)
    {
        if (!scored.Labelled) return null;
        try
        {
            return scored.Scores.Metrics();
        }
        catch (DataException e)
        {
            stderr.WriteLine($"note: no metrics: {e.Message}");
            return null;
        }
    }
}
