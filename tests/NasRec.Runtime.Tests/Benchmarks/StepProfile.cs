// Where one training step's time goes: a released model (CriteoNasRecNetFull by default; Full and Small name Criteo's),
// tables capped at 500,000 rows, the reference's batch (256, KDD 512; or the one given), 2 threads, phase by phase as TrainingStep.Run does them (median ms over the timed steps, and share of the
// step), then each forward part again in isolation, forward and backward, on the inputs it saw in the model.
// With one thread every libtorch op (and the attention kernel) runs on the calling thread, so the profile reads that
// thread's CPU time: the split then holds on a loaded machine, where wall time measures the other processes.
// A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/StepProfile.cs -c Release [-- steps [threads [Full|Small|<released model> [batch]]]]
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using System.Runtime.InteropServices;
using NasRec.Models;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

int steps = args.Length > 0 ? int.Parse(args[0]) : 20;
set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 2);
var released = new Dictionary<string, (Func<nn.Module<Tensor, Tensor, Tensor>> Create, IReadOnlyList<long> Tables, int Dense)>
{
    [nameof(CriteoNasRecNetFull)] = (() => new CriteoNasRecNetFull(500_000), CriteoNasRecNetFull.TableSizes, CriteoDataset.DenseFeatureCount),
    [nameof(CriteoNasRecNetSmall)] = (() => new CriteoNasRecNetSmall(500_000), CriteoNasRecNetSmall.TableSizes, CriteoDataset.DenseFeatureCount),
    [nameof(AvazuNasRecNetFull)] = (() => new AvazuNasRecNetFull(500_000), AvazuNasRecNetFull.TableSizes, AvazuDataset.DenseFeatureCount),
    [nameof(AvazuNasRecNetSmall)] = (() => new AvazuNasRecNetSmall(500_000), AvazuNasRecNetSmall.TableSizes, AvazuDataset.DenseFeatureCount),
    [nameof(KddNasRecNetFull)] = (() => new KddNasRecNetFull(500_000), KddNasRecNetFull.TableSizes, KddDataset.DenseFeatureCount),
    [nameof(KddNasRecNetSmall)] = (() => new KddNasRecNetSmall(500_000), KddNasRecNetSmall.TableSizes, KddDataset.DenseFeatureCount),
};
string modelName = args.Length > 2 ? args[2] : "Full";
if (modelName is "Full" or "Small") modelName = "CriteoNasRecNet" + modelName;
var chosen = released[modelName];
int batchSize = args.Length > 3 ? int.Parse(args[3]) : modelName.StartsWith("Kdd", StringComparison.Ordinal) ? 512 : 256;
const int Warmup = 3;
const double LearningRate = 0.01;

var generator = new Generator(7);
var batches = Enumerable.Range(0, 8).Select(_ => (
    Dense: rand(new long[] { batchSize, chosen.Dense }, generator: generator),
    Sparse: stack(chosen.Tables.Select(rows => randint(Math.Min(rows, 500_000), new long[] { batchSize }, generator: generator)).ToArray(), 1),
    Label: rand(new long[] { batchSize, 1 }, generator: generator).lt(0.25).to(float32))).ToArray();

using var model = chosen.Create();
using var optimizer = new RowSparseAdagrad(model);
// As TrainingStep does: without it every step's megabytes come back as fresh pages, and the profile times page faults.
NativeHeap.RetainFreedMemory();

// Forward time per direct child, through hooks; their inputs are kept (detached) for the isolated pass below.
var times = new Dictionary<string, List<double>>();
var inputs = new Dictionary<string, Tensor[]>();
void Record(string phase, double ms) => (times.TryGetValue(phase, out var list) ? list : times[phase] = new()).Add(ms);
var clock = new Clock();
bool recording = false;
foreach (var (name, child) in model.named_children())
{
    var childClock = new Clock();
    void Before(params Tensor[] args)
    {
        if (!recording) return;
        // The previous step's copies are freed here: left to the garbage collector, they made stretches of steps
        // several times slower and the profile bimodal.
        if (inputs.TryGetValue(name, out var previous)) foreach (var tensor in previous) tensor.Dispose();
        inputs[name] = args.Select(a => a.detach().clone().DetachFromDisposeScope()).ToArray();
        childClock.Restart();
    }
    void After() { if (recording) Record($"  forward {name}", childClock.Elapsed.TotalMilliseconds); }
    switch (child)
    {
        case nn.Module<Tensor, Tensor> one:
            one.register_forward_pre_hook((_, x) => { Before(x); return x; });
            one.register_forward_hook((_, _, y) => { After(); return y; });
            break;
        case nn.Module<Tensor, Tensor, Tensor> two:
            two.register_forward_pre_hook((_, x1, x2) => { Before(x1, x2); return null; });
            two.register_forward_hook((_, _, _, y) => { After(); return y; });
            break;
    }
}

double Lap() { double ms = clock.Elapsed.TotalMilliseconds; clock.Restart(); return ms; }

// TrainingStep.Run, phase by phase.
void Step(int i, bool timed)
{
    recording = timed;
    var batch = batches[i % batches.Length];
    var total = Clock.StartNew();
    clock.Restart();
    var scope = NewDisposeScope();
    var (x, ids, y) = (batch.Dense.to(CPU), batch.Sparse.to(CPU), batch.Label.to(CPU));
    var phases = new List<(string, double)> { ("to(device) x3", Lap()) };
    var logits = model.call(x, ids);
    phases.Add(("forward (all)", Lap()));
    var loss = nn.functional.binary_cross_entropy_with_logits(logits, y);
    phases.Add(("loss", Lap()));
    loss.item<float>();
    phases.Add(("item", Lap()));
    loss.backward();
    phases.Add(("backward", Lap()));
    optimizer.Step(LearningRate, clipNorm: 5.0);
    phases.Add(("clip and adagrad (flat dense + the batch's distinct rows)", Lap()));
    optimizer.ZeroGradients();
    phases.Add(("zero_grad", Lap()));
    scope.Dispose();
    phases.Add(("dispose scope", Lap()));
    var walk = model.named_parameters().Count() + model.named_modules().Count();
    phases.Add(("(a named_parameters+named_modules walk)", Lap()));
    if (!timed) return;
    foreach (var (phase, ms) in phases) Record(phase, ms);
    Record("step", total.Elapsed.TotalMilliseconds - phases[^1].Item2);
}

for (int i = 0; i < Warmup; i++) Step(i, false);
for (int i = 0; i < steps; i++) Step(i, true);
recording = false;

static double Median(List<double> values) { var sorted = values.Order().ToList(); return sorted[sorted.Count / 2]; }
double step = Median(times["step"]);
Console.WriteLine($"{model.GetName()}, capped 500,000, batch {batchSize}, {get_num_threads()} threads, median of {steps} steps: {step:F1} {Clock.Kind} ms/step ({batchSize / step * 1000:N0} samples/s)");
Console.WriteLine($"{"phase",-44} {"ms",8} {"share",7}");
foreach (var (phase, values) in times.Where(t => t.Key != "step"))
    Console.WriteLine($"{phase,-44} {Median(values),8:F2} {Median(values) / step,7:P1}");

// Each child alone: forward, then backward of its output against a fixed upstream gradient.
Console.WriteLine($"\nEach forward part alone (median of {steps}): forward / backward ms");
foreach (var (name, child) in model.named_children())
{
    if (!inputs.TryGetValue(name, out var saved) || child is SparseEmbedding) continue;
    var forwardMs = new List<double>();
    var backwardMs = new List<double>();
    for (int i = 0; i < Warmup + steps; i++)
    {
        using var scope = NewDisposeScope();
        var leaves = saved.Select(t => t.is_floating_point() ? t.clone().requires_grad_(true) : t).ToArray();
        var watch = Clock.StartNew();
        var output = child switch
        {
            nn.Module<Tensor, Tensor> one => one.call(leaves[0]),
            nn.Module<Tensor, Tensor, Tensor> two => two.call(leaves[0], leaves[1]),
            _ => throw new InvalidOperationException(name),
        };
        double f = watch.Elapsed.TotalMilliseconds;
        var upstream = ones_like(output);
        watch.Restart();
        output.backward(new[] { upstream });
        double b = watch.Elapsed.TotalMilliseconds;
        model.zero_grad();
        if (i >= Warmup) { forwardMs.Add(f); backwardMs.Add(b); }
    }
    Console.WriteLine($"{name,-44} {Median(forwardMs),8:F2} {Median(backwardMs),8:F2}");
}

/// <summary>Wall time, or with one libtorch thread the calling thread's CPU time (Linux).</summary>
sealed class Clock
{
    private readonly Stopwatch wall = new();
    private double cpuStart;

    private static bool ThreadCpu => get_num_threads() == 1 && OperatingSystem.IsLinux();

    public static string Kind => ThreadCpu ? "thread-CPU" : "wall";

    public static Clock StartNew() { var clock = new Clock(); clock.Restart(); return clock; }

    public void Restart() { wall.Restart(); cpuStart = ThreadCpuMilliseconds(); }

    public TimeSpan Elapsed => ThreadCpu ? TimeSpan.FromMilliseconds(ThreadCpuMilliseconds() - cpuStart) : wall.Elapsed;

    private static double ThreadCpuMilliseconds()
    {
        if (!ThreadCpu) return 0;
        clock_gettime(ClockThreadCpuTime, out var time);
        return time.Seconds * 1e3 + time.Nanoseconds / 1e6;
    }

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
