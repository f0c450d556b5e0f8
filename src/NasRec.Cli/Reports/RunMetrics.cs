using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Reports;

/// <summary>A value logged at a training step.</summary>
internal readonly record struct MetricPoint(long Step, double Value);

/// <summary>
/// The curves of a run folder's <c>metrics.jsonl</c> (written by <see cref="RunFolder.Log"/>): the mean training
/// loss and the validation logloss against the step, and the test metrics when the run was tested.
/// </summary>
internal sealed record RunMetrics(IReadOnlyList<MetricPoint> TrainLoss, IReadOnlyList<MetricPoint> ValLogloss, IReadOnlyDictionary<string, double>? Test)
{
    public static RunMetrics Read(string runFolder)
    {
        var path = ReportInputs.Run(runFolder).MetricsFile;
        if (!File.Exists(path)) throw new CommandException($"{runFolder} is not a run folder: it has no {Path.GetFileName(path)}");
        var train = new List<MetricPoint>();
        var val = new List<MetricPoint>();
        Dictionary<string, double>? test = null;
        foreach (var (line, number) in File.ReadLines(path).Select((line, i) => (line, i + 1)).Where(l => l.line.Length > 0))
        {
            JsonObject entry;
            try
            {
                entry = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw new CommandException($"{path}, line {number}: not a metrics line ({e.Message})");
            }
            long step = entry["step"]?.GetValue<long>() ?? 0;
            switch (entry["split"]?.GetValue<string>())
            {
                case "train" when Number(entry, "loss") is double loss: train.Add(new(step, loss)); break;
                case "val" when Number(entry, "logloss") is double logloss: val.Add(new(step, logloss)); break;
                case "test":
                    test = entry.Where(p => p.Key is not ("split" or "step") && Number(entry, p.Key) is not null)
                        .ToDictionary(p => p.Key, p => Number(entry, p.Key)!.Value);
                    break;
            }
        }
        return new RunMetrics(train, val, test);
    }

    // Non-finite values are logged as strings ("NaN"): they have no place on a curve.
    private static double? Number(JsonObject entry, string name) =>
        entry[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
