using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch.utils;

namespace NasRec.Runtime.Training;

/// <summary>
/// A training run's folder: <c>settings.json</c>, <c>metrics.jsonl</c> (one JSON object per line: split, step and
/// values), TensorBoard event files under <c>tensorboard/</c>, <c>last.ckpt</c> (resumable), <c>best.ckpt</c> (best
/// validation weights) and <c>summary.json</c>.
/// </summary>
public sealed class RunFolder : IDisposable
{
    private StreamWriter? metrics;
    private SummaryWriter? tensorBoard;

    public RunFolder(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The resumable checkpoint's file name in a run folder.</summary>
    public const string LastCheckpointName = "last.ckpt";

    public string LastCheckpoint => Path.Combine(Directory, LastCheckpointName);

    /// <summary>The best validation model's checkpoint's file name in a run folder.</summary>
    public const string BestCheckpointName = "best.ckpt";

    public string BestCheckpoint => Path.Combine(Directory, BestCheckpointName);

    public string SettingsFile => Path.Combine(Directory, "settings.json");

    public string MetricsFile => Path.Combine(Directory, "metrics.jsonl");

    public string SummaryFile => Path.Combine(Directory, "summary.json");

    /// <summary>Appends one line to the metrics and the same scalars to TensorBoard as <c>split/name</c>.</summary>
    public void Log(string split, long step, IEnumerable<(string Name, double Value)> values)
    {
        var line = new JsonObject { ["split"] = split, ["step"] = step };
        foreach (var (name, value) in values)
        {
            line[name] = double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);
            if (double.IsFinite(value)) TensorBoard.add_scalar(split + "/" + name, (float)value, checked((int)step));
        }
        Metrics.WriteLine(line.ToJsonString());
    }

    /// <summary>On resume: drops the metric lines written after <paramref name="step"/> by the interrupted run.</summary>
    public void TruncateMetricsAfter(long step)
    {
        if (!File.Exists(MetricsFile)) return;
        var kept = File.ReadLines(MetricsFile)
            .Where(line => JsonNode.Parse(line)?["step"]?.GetValue<long>() <= step)
            .ToList();
        Checkpoints.AtomicFile.WriteAllText(MetricsFile, string.Concat(kept.Select(line => line + "\n")));
    }

    public void WriteJson<T>(string path, T value) =>
        Checkpoints.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }) + "\n");

    // SummaryWriter writes each event as it comes and holds no open file.
    public void Dispose() => metrics?.Dispose();

    private StreamWriter Metrics => metrics ??= new StreamWriter(new FileStream(MetricsFile, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };

    private SummaryWriter TensorBoard => tensorBoard ??= tensorboard.SummaryWriter(Path.Combine(Directory, "tensorboard"));
}
