using System.CommandLine;
using System.Text.Json;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec evaluate</c>: the metrics of a checkpoint on one split of a prepared store (spec §5.3).</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { HelpName = "file.ckpt", Description = "A checkpoint written by nasrec train", Required = true }.AcceptExistingOnly();
        var data = TrainingOptions.Data();
        var split = new Option<string>("--split") { Description = "The split to evaluate", DefaultValueFactory = _ => "test" }
            .AcceptOnlyFromAmong("train", "val", "test", "trainval");
        var deviceOptions = new DeviceOptions();
        var json = TrainingOptions.Json();
        var predictions = new Option<FileInfo?>("--predictions")
        {
            HelpName = "file.csv",
            Description = "Also write every row's label and predicted click probability, in the split's order (data prepare --write-indices maps rows to source lines)",
        };

        var command = new Command("evaluate", "Evaluates a checkpoint on a split: logloss, exact ROC-AUC, normalized entropy, accuracy, calibration.")
        {
            checkpoint, data, split, json, predictions,
        };
        deviceOptions.AddTo(command);
        command.SetAction(CommandAction.Of((r, stdout, _) =>
        {
            var targetDevice = deviceOptions.Setup(r);
            var path = r.GetRequiredValue(checkpoint).FullName;
            var model = TrainingModel.Build(Checkpoint.ReadHeader(path).Model, targetDevice);
            using var module = model.Module;
            Checkpoint.Load(path, module, optimizer: null);
            using var store = TrainingOptions.OpenStore(r.GetRequiredValue(data), model.Dataset);
            var splitName = r.GetValue(split)!;
            var scores = Evaluator.Score(module, StoreTrainingData.Evaluation(store, ParseSplit(splitName), model.TableSizes), targetDevice);
            // Before the metrics, which a split of one class (unlabelled rows, say) cannot have.
            if (r.GetValue(predictions) is { } predictionsFile) scores.WriteCsv(predictionsFile.FullName);
            var metrics = scores.Metrics();
            stdout.WriteLine(r.GetValue(json)
                ? JsonSerializer.Serialize(new { split = splitName, checkpoint = path, metrics.Count, metrics.Logloss, metrics.Auc, ne = metrics.NormalizedEntropy, metrics.Accuracy, metrics.Calibration },
                    TrainingOptions.JsonObject)
                : $"{splitName}: {TrainingOptions.Describe(metrics)}");
            return 0;
        }));
        return command;
    }

    private static DataSplit ParseSplit(string name) => name switch
    {
        "train" => DataSplit.Train,
        "val" => DataSplit.Val,
        "trainval" => DataSplit.TrainVal,
        _ => DataSplit.Test,
    };
}
