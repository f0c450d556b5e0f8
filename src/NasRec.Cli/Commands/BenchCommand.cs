using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Models;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Training;
using TorchSharp;
using static System.FormattableString;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>
/// <c>nasrec bench train</c>: training and inference samples/s of the six released models, each measured in the same
/// run against a plain TorchSharp loop over the same model (<see cref="BenchPlainLoop"/>), so that the ratio holds on a
/// noisy machine; and the time of the metrics over a split-sized score vector.
/// </summary>
internal static class BenchCommand
{
    private sealed record Released(string Name, string Dataset, Func<long?, nn.Module<Tensor, Tensor, Tensor>> Create, IReadOnlyList<long> TableSizes, int DenseFeatures);

    private static readonly Released[] Models =
    {
        new(nameof(CriteoNasRecNetSmall), "Criteo", cap => new CriteoNasRecNetSmall(cap), CriteoNasRecNetSmall.TableSizes, CriteoDataset.DenseFeatureCount),
        new(nameof(CriteoNasRecNetFull), "Criteo", cap => new CriteoNasRecNetFull(cap), CriteoNasRecNetFull.TableSizes, CriteoDataset.DenseFeatureCount),
        new(nameof(AvazuNasRecNetSmall), "Avazu", cap => new AvazuNasRecNetSmall(cap), AvazuNasRecNetSmall.TableSizes, AvazuDataset.DenseFeatureCount),
        new(nameof(AvazuNasRecNetFull), "Avazu", cap => new AvazuNasRecNetFull(cap), AvazuNasRecNetFull.TableSizes, AvazuDataset.DenseFeatureCount),
        new(nameof(KddNasRecNetSmall), "Kdd", cap => new KddNasRecNetSmall(cap), KddNasRecNetSmall.TableSizes, KddDataset.DenseFeatureCount),
        new(nameof(KddNasRecNetFull), "Kdd", cap => new KddNasRecNetFull(cap), KddNasRecNetFull.TableSizes, KddDataset.DenseFeatureCount),
    };

    public static Command Create()
    {
        var models = new Option<string[]>("--models") { Description = "Models to measure (default: the six released ones)", AllowMultipleArgumentsPerToken = true }
            .AcceptOnlyFromAmong(Models.Select(m => m.Name).ToArray());
        var tables = new Option<string>("--tables") { Description = "capped (the search cap), full, or both", DefaultValueFactory = _ => "both" }
            .AcceptOnlyFromAmong("capped", "full", "both");
        var capRows = new Option<long>("--cap-rows") { Description = "Rows per table when capped", DefaultValueFactory = _ => 500_000 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per side and round", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps per side first", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds alternating the two sides", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads", DefaultValueFactory = _ => 2 };
        var inferenceBatch = new Option<int>("--inference-batch") { DefaultValueFactory = _ => 4096, Description = "Batch size of the inference measurement" };
        var aucRows = new Option<int>("--auc-rows") { DefaultValueFactory = _ => 4_500_000, Description = "Scores in the metrics measurement (Criteo's test split: 4.5M)" };
        var json = TrainingOptions.Json();

        var train = new Command("train",
            "Training samples/s (batch 256, KDD 512) of the released models with capped and full tables, inference samples/s at a large " +
            "batch (capped tables), each beside a plain TorchSharp loop over the same model (one nn.Embedding per table, dense gradients, " +
            "TorchSharp's Adagrad, clipping) measured in the same run; then the time of the metrics over a test-split-sized score vector.")
        {
            models, tables, capRows, steps, warmup, rounds, threads, inferenceBatch, aucRows, json,
        };
        train.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            DeviceOptions.SetThreads(r.GetValue(threads));
            if (r.GetValue(steps) < 1 || r.GetValue(rounds) < 1 || r.GetValue(warmup) < 0)
                throw new CommandException("--steps and --rounds must be at least 1, --warmup at least 0");
            if (r.GetValue(capRows) < 1 || r.GetValue(inferenceBatch) < 1 || r.GetValue(aucRows) < 1000)
                throw new CommandException("--cap-rows and --inference-batch must be at least 1, --auc-rows at least 1,000 (two classes of labels)");
            var chosen = r.GetValue(models) is { Length: > 0 } names ? Models.Where(m => names.Contains(m.Name)).ToArray() : Models;
            var caps = r.GetValue(tables) switch
            {
                "capped" => new long?[] { r.GetValue(capRows) },
                "full" => new long?[] { null },
                _ => new long?[] { r.GetValue(capRows), null },
            };
            var timing = new Timing(r.GetValue(warmup), r.GetValue(steps), r.GetValue(rounds));
            // The process's policy from the first round on (our step sets it; the plain loop shares the process).
            NativeHeap.RetainFreedMemory();
            bool text = !r.GetValue(json);
            if (text) stdout.WriteLine(Invariant($"Training, {get_num_threads()} threads, {MklDispatch.Describe()}, {NativeHeap.Describe()}: samples/s of our step and of the plain TorchSharp loop, measured alternately (with full tables one after the other, each alone in memory)."));
            var training = new TextTable(new("model"), new("tables"), new("batch", true), new("ours", true), new("plain", true), new("ratio", true));
            var trainingRows = new JsonArray();
            foreach (var cap in caps)
            {
                foreach (var model in chosen)
                {
                    stderr.WriteLine(Invariant($"training {model.Name}, {(cap is null ? "full tables" : Invariant($"tables capped at {cap:N0}"))}"));
                    var (ours, plain) = Training(model, cap, timing);
                    Measured(ours, plain);
                    training.Add(model.Name, cap is null ? "full" : Invariant($"{cap:N0}"), Invariant($"{BatchSize(model)}"), Invariant($"{ours:N0}"), Invariant($"{plain:N0}"), Invariant($"{ours / plain:F2}×"));
                    trainingRows.Add(new JsonObject
                    {
                        ["model"] = model.Name, ["tables"] = cap is null ? "full" : "capped", ["capRows"] = cap, ["batch"] = BatchSize(model),
                        ["oursSamplesPerSecond"] = ours, ["plainSamplesPerSecond"] = plain,
                    });
                }
            }
            if (text) stdout.Write(training);

            int batch = r.GetValue(inferenceBatch);
            if (text) stdout.WriteLine(Invariant($"\nInference, batch {batch}, tables capped at {r.GetValue(capRows):N0} rows:"));
            var inference = new TextTable(new("model"), new("ours", true), new("plain", true), new("ratio", true));
            var inferenceRows = new JsonArray();
            foreach (var model in chosen)
            {
                stderr.WriteLine($"inference {model.Name}");
                var (ours, plain) = Inference(model, r.GetValue(capRows), batch, timing);
                Measured(ours, plain);
                inference.Add(model.Name, Invariant($"{ours:N0}"), Invariant($"{plain:N0}"), Invariant($"{ours / plain:F2}×"));
                inferenceRows.Add(new JsonObject
                {
                    ["model"] = model.Name, ["capRows"] = r.GetValue(capRows), ["batch"] = batch, ["oursSamplesPerSecond"] = ours, ["plainSamplesPerSecond"] = plain,
                });
            }
            if (text) stdout.Write(inference);

            var (auc, all) = Metrics(r.GetValue(aucRows));
            if (text) stdout.WriteLine(Invariant($"\nROC-AUC over {r.GetValue(aucRows):N0} scores: {auc.TotalSeconds:F3} s; all metrics from logits: {all.TotalSeconds:F3} s"));
            else
            {
                stdout.WriteLine(new JsonObject
                {
                    ["threads"] = get_num_threads(), ["mkl"] = MklDispatch.Describe(), ["heap"] = NativeHeap.Describe(),
                    ["training"] = trainingRows, ["inference"] = inferenceRows,
                    ["metrics"] = new JsonObject { ["scores"] = r.GetValue(aucRows), ["aucSeconds"] = auc.TotalSeconds, ["allSeconds"] = all.TotalSeconds },
                }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;

            // Each figure as soon as it is measured: a run killed later (full tables can exhaust memory) keeps it.
            void Measured(double ours, double plain) => stderr.WriteLine(Invariant($"  ours {ours:N0}, plain {plain:N0} samples/s: {ours / plain:F2}×"));
        }));
        return new Command("bench", "Benchmarks (run them on an otherwise idle machine).") { train, BenchSupernet.Create() };
    }

    private sealed record Timing(int Warmup, int Steps, int Rounds);

    private static int BatchSize(Released model) => RecipeDefaults.For(model.Dataset, model.Name.Contains("Small") ? "NasRecSmall" : "NasRecFull").BatchSize;

    private static (double Ours, double Plain) Training(Released model, long? cap, Timing timing)
    {
        int size = BatchSize(model);
        var batches = Batches(model, cap, size);
        int next = 0;
        Batch Next() => batches[next++ % batches.Length];
        TrainingSide Ours()
        {
            var ourModel = model.Create(cap);
            var step = new TrainingStep(ourModel, CPU, new StepSettings());
            return new TrainingSide(() => step.Run(Next(), 0.01), step, ourModel);
        }
        TrainingSide Plain()
        {
            var plainModel = model.Create(cap);
            var plainLoop = new BenchPlainLoop(plainModel, 0.01);
            return new TrainingSide(() => plainLoop.Step(Next()), plainLoop, plainModel);
        }
        var (ours, plain) = cap is null ? (Alone(Ours, timing), Alone(Plain, timing)) : Alternately(Ours, Plain, timing);
        double samples = (double)timing.Steps * timing.Rounds * size;
        return (samples / ours.TotalSeconds, samples / plain.TotalSeconds);
    }

    /// <summary>Both sides built and warmed up, then timed round by round in turn, so that the ratio holds on a noisy machine.</summary>
    private static (TimeSpan Ours, TimeSpan Plain) Alternately(Func<TrainingSide> createOurs, Func<TrainingSide> createPlain, Timing timing)
    {
        using var ours = createOurs();
        using var plain = createPlain();
        for (int i = 0; i < timing.Warmup; i++) ours.Step();
        for (int i = 0; i < timing.Warmup; i++) plain.Step();
        var (oursTime, plainTime) = (TimeSpan.Zero, TimeSpan.Zero);
        for (int round = 0; round < timing.Rounds; round++)
        {
            oursTime += Time(timing.Steps, ours.Step);
            plainTime += Time(timing.Steps, plain.Step);
        }
        return (oursTime, plainTime);
    }

    /// <summary>
    /// One side alone, disposed before the other is built: with full tables both sides' tables and optimizer states do
    /// not fit in memory together (KDD's 811M parameters took more than 24 GB), and ratios of 50× and more are read
    /// without alternating.
    /// </summary>
    private static TimeSpan Alone(Func<TrainingSide> create, Timing timing)
    {
        using var side = create();
        for (int i = 0; i < timing.Warmup; i++) side.Step();
        return Time(timing.Steps * timing.Rounds, side.Step);
    }

    /// <summary>One side of a training measurement: its step, and what it owns.</summary>
    private sealed class TrainingSide(Action step, params IDisposable[] owned) : IDisposable
    {
        public void Step() => step();

        public void Dispose()
        {
            foreach (var part in owned) part.Dispose();
        }
    }

    private static (double Ours, double Plain) Inference(Released model, long cap, int size, Timing timing)
    {
        var batches = Batches(model, cap, size);
        using var ourModel = model.Create(cap);
        using var plainModel = model.Create(cap);
        using var plainLoop = new BenchPlainLoop(plainModel, 0.01);
        int next = 0;
        void Forward(nn.Module<Tensor, Tensor, Tensor> m)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = batches[next++ % batches.Length];
            m.call(batch.Dense, batch.Sparse);
        }
        for (int i = 0; i < timing.Warmup; i++) { Forward(ourModel); Forward(plainModel); }
        var (ours, plain) = (TimeSpan.Zero, TimeSpan.Zero);
        for (int round = 0; round < timing.Rounds; round++)
        {
            ours += Time(timing.Steps, () => Forward(ourModel));
            plain += Time(timing.Steps, () => Forward(plainModel));
        }
        double samples = (double)timing.Steps * timing.Rounds * size;
        return (samples / ours.TotalSeconds, samples / plain.TotalSeconds);
    }

    private static (TimeSpan Auc, TimeSpan All) Metrics(int rows)
    {
        var random = new Random(1);
        var logits = new float[rows];
        var labels = new float[rows];
        var scores = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            logits[i] = (float)(random.NextDouble() * 8 - 5);
            scores[i] = 1f / (1f + MathF.Exp(-logits[i]));
            labels[i] = random.NextDouble() < scores[i] ? 1 : 0;
        }
        var auc = Time(1, () => RocAuc.Compute(scores, labels));
        var all = Time(1, () => BinaryMetrics.Compute(logits, labels));
        return (auc, all);
    }

    private static Batch[] Batches(Released model, long? cap, int size) => Batches(model.TableSizes, model.DenseFeatures, cap, size);

    /// <summary>Eight seeded batches with ids drawn uniformly per table.</summary>
    internal static Batch[] Batches(IEnumerable<long> tableSizes, int denseFeatures, long? cap, int size)
    {
        var generator = new Generator(7);
        using var positiveRate = 0.25.ToScalar();
        return Enumerable.Range(0, 8).Select(_ =>
        {
            var ids = stack(tableSizes.Select(rows => randint(Math.Min(rows, cap ?? rows), new long[] { size }, generator: generator)).ToArray(), 1);
            var dense = rand(new long[] { size, denseFeatures }, generator: generator);
            var label = rand(new long[] { size, 1 }, generator: generator).lt(positiveRate).to(float32);
            return new Batch(dense, ids, label);
        }).ToArray();
    }

    internal static TimeSpan Time(int count, Action action)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) action();
        return clock.Elapsed;
    }
}
