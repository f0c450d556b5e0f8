// Supernet training steps per second: a shipped space over Criteo's inputs, tables capped at 500,000 rows, random
// batches, the training step every phase uses (row-sparse Adagrad, clipping), 2 threads; then the peak resident memory.
// The default strategy runs after its warm-up (warm-up 0), so it times sampled single-operator paths.
// A file-based program, not a test; run from the repository root:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/SupernetStep.cs -c Release [-- space strategy compute steps batch threads]
//   e.g. -- NasRecFull Default SkipZeroInputs 30 512 2      (space: NasRecFull, NasRecSmall; strategy: Default, FullPath, ...)
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

string spaceName = args.Length > 0 ? args[0] : "NasRecFull";
var strategy = Enum.Parse<SamplingStrategy>(args.Length > 1 ? args[1] : "Default");
var compute = Enum.Parse<SupernetCompute>(args.Length > 2 ? args[2] : "SkipZeroInputs");
int steps = args.Length > 3 ? int.Parse(args[3]) : 30;
int batchSize = args.Length > 4 ? int.Parse(args[4]) : 512;
set_num_threads(args.Length > 5 ? int.Parse(args[5]) : 2);
const int Warmup = 3;

var workspace = NasRec.Dsl.Workspace.LoadDirectory("spaces");
var space = workspace.Catalog.Space(spaceName) ?? throw new ArgumentException($"No space '{spaceName}' under spaces/.");
var dataset = workspace.Catalog.Dataset("Criteo")!;
using var supernet = new Supernet(space, dataset, new SupernetOptions(500_000, LayerNorm: true, compute))
{
    Sampler = new PathSampler(space, strategy, space.Sampling.Connections, warmupSteps: 0, seed: 1),
};
using var step = new TrainingStep(supernet, CPU, new StepSettings());

var generator = new Generator(7);
var tables = supernet.Embedding.TableSizes;
var batches = Enumerable.Range(0, 8).Select(_ => new Batch(
    rand([batchSize, dataset.DenseFeatures.Count], generator: generator),
    stack(tables.Select(rows => randint(rows, [batchSize], generator: generator)).ToArray(), 1),
    rand([batchSize, 1], generator: generator).lt(0.25).to(float32))).ToArray();

var times = new List<double>();
var clock = new Stopwatch();
var process = Process.GetCurrentProcess();
TimeSpan cpu = TimeSpan.Zero;
for (int i = 0; i < Warmup + steps; i++)
{
    if (i == Warmup) cpu = process.TotalProcessorTime;
    clock.Restart();
    step.Run(batches[i % batches.Length], 0.01);
    if (i >= Warmup) times.Add(clock.Elapsed.TotalSeconds);
    process.Refresh();
}
times.Sort();
double median = times[times.Count / 2];
Console.WriteLine($"{spaceName} {strategy} {compute}, batch {batchSize}, {get_num_threads()} threads: " +
    $"median step {median * 1000:F0} ms, {batchSize / median:F0} samples/s (mean {batchSize * times.Count / times.Sum():F0}); " +
    $"CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds / steps:F0} ms per step (a busy machine inflates the wall time, less the CPU time); " +
    $"peak memory {process.PeakWorkingSet64 / (1 << 20)} MiB");
