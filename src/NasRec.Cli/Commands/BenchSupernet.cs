using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>
/// <c>nasrec bench supernet</c>: samples/s of the supernet's training step (the step of <c>nasrec supernet train</c>) on
/// seeded batches held in memory, with the default strategy past its warm-up (sampled paths) and full-path, and the
/// peak resident memory of each measurement.
/// </summary>
internal static class BenchSupernet
{
    private static readonly string[] Strategies = { "default", "full-path" };

    public static Command Create()
    {
        var spaceOption = new Option<string[]>("--space")
        {
            HelpName = "name|file", Description = "Search spaces: names in the spaces folder or *.space.yaml files (default: NasRecFull NasRecSmall)",
            AllowMultipleArgumentsPerToken = true,
        };
        var datasetOption = new Option<string>("--dataset") { HelpName = "name", Description = "The dataset whose layout the batches have", DefaultValueFactory = _ => "Criteo" };
        var batch = new Option<int>("--batch") { Description = "Training batch size", DefaultValueFactory = _ => 512 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per measurement", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first", DefaultValueFactory = _ => 3 };
        var strategy = new Option<string[]>("--strategy")
        {
            Description = "default (any-path connections, single operators; measured past the warm-up decay) and/or full-path (default: both)",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong(Strategies);
        var compute = SupernetCommand.ComputeOption();
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads", DefaultValueFactory = _ => 2 };
        var json = TrainingOptions.Json();
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("supernet",
            "Supernet training samples/s (Adagrad with row-sparse embeddings, clipping; tables at the dataset's search cap) on seeded " +
            "in-memory batches, with sampled paths (the default strategy after its warm-up) and full-path, and the peak resident memory of each.")
        {
            spaceOption, datasetOption, batch, steps, warmup, strategy, compute, threads, json, spaces,
        };
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            if (r.GetValue(batch) < 1 || r.GetValue(steps) < 1 || r.GetValue(warmup) < 0)
                throw new CommandException("--batch and --steps must be at least 1, --warmup at least 0");
            DeviceOptions.SetThreads(r.GetValue(threads));
            var folder = SpacesFolder.Resolve(r.GetValue(spaces));
            var documents = SpacesFolder.Load(folder).Files.Select(f => f.Document).ToList();
            var dataset = Named<DatasetSchema>(documents, r.GetValue(datasetOption)!, folder);
            var chosen = (r.GetValue(spaceOption) is { Length: > 0 } names ? names : new[] { "NasRecFull", "NasRecSmall" })
                .Select(name => File.Exists(name) ? SpaceFile(name) : Named<SearchSpace>(documents, name, folder)).ToList();
            var strategies = r.GetValue(strategy) is { Length: > 0 } given ? given : Strategies;
            var computeMode = SupernetCommand.Compute(r.GetValue(compute)!);

            var table = new TextTable(new("space"), new("strategy"), new("batch", true), new("samples/s", true), new("peak RSS", true));
            var rows = new JsonArray();
            foreach (var space in chosen)
            {
                foreach (var name in strategies)
                {
                    stderr.WriteLine($"supernet {space.Name} over {dataset.Name}, {name}");
                    var (samplesPerSecond, peak) = Measure(space, dataset, name == "full-path", computeMode, r.GetValue(batch), r.GetValue(warmup), r.GetValue(steps));
                    table.Add(space.Name, name, r.GetValue(batch).ToString(), $"{samplesPerSecond:N0}", $"{peak / (1 << 20):N0} MiB");
                    rows.Add(new JsonObject
                    {
                        ["space"] = space.Name, ["dataset"] = dataset.Name, ["strategy"] = name, ["compute"] = SupernetCommand.NameOf(computeMode),
                        ["batch"] = r.GetValue(batch), ["threads"] = get_num_threads(), ["samplesPerSecond"] = samplesPerSecond, ["peakRssBytes"] = peak,
                    });
                }
            }
            if (r.GetValue(json)) stdout.WriteLine(rows.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                stdout.WriteLine($"Supernet training step, {get_num_threads()} threads, {MklDispatch.Describe()}, {NativeHeap.Describe()}, compute {SupernetCommand.NameOf(computeMode)}, " +
                    $"tables capped at {dataset.SearchTableCap?.ToString("N0") ?? "(none)"} rows:");
                stdout.Write(table);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Samples/s of <paramref name="steps"/> training steps after <paramref name="warmup"/> untimed ones, and the peak RSS since the supernet's construction.</summary>
    private static (double SamplesPerSecond, long PeakRss) Measure(
        SearchSpace space, DatasetSchema dataset, bool fullPath, SupernetCompute compute, int batchSize, int warmup, int steps)
    {
        PeakMemory.Reset();
        var batches = BenchCommand.Batches(dataset.TableSizes(null), dataset.DenseFeatures.Count, dataset.SearchTableCap, batchSize);
        using var supernet = new Supernet(space, dataset, new SupernetOptions(dataset.SearchTableCap, Compute: compute))
        {
            // No warm-up decay: the default strategy's paths are the sampled ones it trains on after the warm-up.
            Sampler = new PathSampler(space, fullPath ? SamplingStrategy.FullPath : SamplingStrategy.Default, space.Sampling.Connections, warmupSteps: 0, seed: 1),
        };
        using var step = new TrainingStep(supernet, CPU, new StepSettings());
        int next = 0;
        for (int i = 0; i < warmup; i++) step.Run(batches[next++ % batches.Length], 0.01);
        var elapsed = BenchCommand.Time(steps, () => step.Run(batches[next++ % batches.Length], 0.01));
        return ((double)steps * batchSize / elapsed.TotalSeconds, PeakMemory.Read());
    }

    private static T Named<T>(IEnumerable<NasRecDocument?> documents, string name, string folder) where T : NasRecDocument =>
        documents.OfType<T>().FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandException($"'{name}' is not a {typeof(T).Name} of {folder} (it has: {string.Join(", ", documents.OfType<T>().Select(d => d.Name))})");

    private static SearchSpace SpaceFile(string path)
    {
        var workspace = NasRec.Dsl.Workspace.Load(new[] { (Path.GetFullPath(path), File.ReadAllText(path)) });
        var errors = workspace.Diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0) throw new CommandException(string.Join(Environment.NewLine, errors));
        return workspace.Files[0].Document as SearchSpace ?? throw new CommandException($"{path} is not a SearchSpace document");
    }

    /// <summary>The process's peak resident set (Linux: VmHWM, which writing 5 to clear_refs resets; elsewhere the lifetime peak).</summary>
    private static class PeakMemory
    {
        public static void Reset()
        {
            GC.Collect();
            if (OperatingSystem.IsLinux()) File.WriteAllText("/proc/self/clear_refs", "5");
        }

        public static long Read()
        {
            if (!OperatingSystem.IsLinux()) return Process.GetCurrentProcess().PeakWorkingSet64;
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }
}
