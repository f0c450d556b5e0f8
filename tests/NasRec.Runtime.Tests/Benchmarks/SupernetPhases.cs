// Where a supernet training step's time goes, phase by phase as TrainingStep.Run does them (median ms):
// forward, loss, backward, clipping with the optimizer's update, zeroing; how many parameters and weight blocks (and entries) a timed
// backward gave a gradient on average; and the process's peak resident memory. Criteo's inputs, tables capped at 500,000 rows, random batches.
// A file-based program, not a test; run from the repository root:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/SupernetPhases.cs -c Release [-- space strategy compute steps batch threads]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

string spaceName = args.Length > 0 ? args[0] : "NasRecFull";
var strategy = Enum.Parse<SamplingStrategy>(args.Length > 1 ? args[1] : "Default");
var compute = Enum.Parse<SupernetCompute>(args.Length > 2 ? args[2] : "SkipZeroInputs");
int steps = args.Length > 3 ? int.Parse(args[3]) : 10;
int batchSize = args.Length > 4 ? int.Parse(args[4]) : 512;
set_num_threads(args.Length > 5 ? int.Parse(args[5]) : 2);
// As TrainingStep does: freed native memory stays in the heap (no page faults on every step's gradients).
NasRec.Runtime.Tensors.NativeHeap.RetainFreedMemory();
const int Warmup = 2;

var workspace = NasRec.Dsl.Workspace.LoadDirectory("spaces");
var space = workspace.Catalog.Space(spaceName) ?? throw new ArgumentException($"No space '{spaceName}' under spaces/.");
var dataset = workspace.Catalog.Dataset("Criteo")!;
using var supernet = new Supernet(space, dataset, new SupernetOptions(500_000, LayerNorm: true, compute))
{
    Sampler = new PathSampler(space, strategy, space.Sampling.Connections, warmupSteps: 0, seed: 1),
};
using var optimizer = new RowSparseAdagrad(supernet);
var generator = new Generator(7);
var tables = supernet.Embedding.TableSizes;
var batches = Enumerable.Range(0, 4).Select(_ => new Batch(
    rand([batchSize, dataset.DenseFeatures.Count], generator: generator),
    stack(tables.Select(rows => randint(rows, [batchSize], generator: generator)).ToArray(), 1),
    rand([batchSize, 1], generator: generator).lt(0.25).to(float32))).ToArray();

var gradients = new List<(int Parameters, long Entries, int Blocks, long BlockEntries)>();
var times = new Dictionary<string, List<double>>();
var cpuTimes = new Dictionary<string, double>();
var clock = new Stopwatch();
var process = Process.GetCurrentProcess();
var cpuAtLap = process.TotalProcessorTime;
void Lap(string phase, bool timed)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    if (timed)
    {
        (times.TryGetValue(phase, out var list) ? list : times[phase] = new()).Add(clock.Elapsed.TotalMilliseconds);
        cpuTimes[phase] = cpuTimes.GetValueOrDefault(phase) + (cpu - cpuAtLap).TotalMilliseconds / steps;
    }
    cpuAtLap = cpu;
    clock.Restart();
}
for (int i = 0; i < Warmup + steps; i++)
{
    bool timed = i >= Warmup;
    var batch = batches[i % batches.Length];
    using var scope = NewDisposeScope();
    Lap("between", false);
    var logits = supernet.call(batch.Dense, batch.Sparse);
    Lap("forward", timed);
    var loss = nn.functional.binary_cross_entropy_with_logits(logits, batch.Label);
    loss.item<float>();
    Lap("loss", timed);
    loss.backward();
    Lap("backward", timed);
    if (timed)
    {
        var withGrad = supernet.parameters().Where(p => p.grad is not null).ToList();
        var slices = supernet.GradientSlices!.Slices;
        gradients.Add((withGrad.Count, withGrad.Sum(p => p.numel()), slices.Count, slices.Sum(s => s.Rows * s.Columns)));
    }
    Lap("inspect", false);
    optimizer.Step(0.01, clipNorm: 5.0);
    Lap("clip+update", timed);
    optimizer.ZeroGradients();
    Lap("zero", timed);
    if (timed && i == Warmup) Console.WriteLine($"path: {supernet.LastChoice}");
}
Console.WriteLine($"params {supernet.parameters().Count()} ({supernet.parameters().Sum(p => p.numel()) / 1e6:F1}M); per timed step on average, " +
    $"with grad {gradients.Average(g => g.Parameters):F0} ({gradients.Average(g => g.Entries) / 1e6:F2}M), weight blocks with grad {gradients.Average(g => g.Blocks):F0} ({gradients.Average(g => g.BlockEntries) / 1e6:F2}M)");
double total = times.Values.Sum(t => t.Order().ElementAt(t.Count / 2));
// CPU time (all threads) stands up to other load better than wall time; with one thread it is the work itself.
Console.WriteLine($"{spaceName} {strategy} {compute}, batch {batchSize}, {get_num_threads()} threads, median wall ms and mean CPU ms:");
foreach (var (phase, list) in times)
{
    double median = list.Order().ElementAt(list.Count / 2);
    Console.WriteLine($"  {phase,-10} {median,8:F1}  {100 * median / total,5:F1}%  (min {list.Min():F1}, max {list.Max():F1})  cpu {cpuTimes[phase],7:F1}");
}
Console.WriteLine($"  total      {total,8:F1}  → {batchSize / total * 1000:F0} samples/s  cpu {cpuTimes.Values.Sum(),7:F1}");
// VmHWM: the process's peak resident memory (Linux).
var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
if (peak is not null) Console.WriteLine($"  peak RSS   {long.Parse(peak["VmHWM:".Length..].Trim().Split(' ')[0]) / 1024:N0} MiB");
