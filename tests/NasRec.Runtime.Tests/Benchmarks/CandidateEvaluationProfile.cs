// Where a search candidate's evaluation time goes (spec §6.3): the Criteo NASRec-Full supernet, tables capped at
// 500,000 rows, CriteoNasRecNetFull's path inside it, 2 threads. Times the frozen forward (HeadInput, no autograd) per
// row at several rows per call for both computes, and the 500 head steps at batch 512 on precomputed features, then
// projects one evaluation (500 × 512 training rows + 150 × 8,192 validation rows) and the reference's equivalent (the
// masked forward at batch 512 for training and 8,192 for validation). Ours skips the zero inputs, attends from the kept
// tokens only (one counted key for the zero tokens) and leaves out the path's dead blocks (3, 4 and 5 here): all exact.
// A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/CandidateEvaluationProfile.cs -c Release [-- calls [threads]]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Dsl;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

int calls = args.Length > 0 ? int.Parse(args[0]) : 3;
set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 2);
const long TrainRows = 500 * 512, ValidationRows = 150 * 8192;

var workspace = Workspace.LoadDirectory(Path.Combine(AppContext.GetData("RepoRoot") as string ?? FindRepo(), "spaces"));
var space = workspace.Catalog.Space("NasRecFull")!;
var dataset = workspace.Catalog.Dataset("Criteo")!;
var choice = SubnetChoice.Of(workspace.Architectures.Single(a => a.Name == "CriteoNasRecNetFull"), space);

var generator = new Generator(7);
(Tensor Dense, Tensor Sparse) Rows(int count) => (rand(new long[] { count, 13 }, generator: generator),
    randint(1000, new long[] { count, dataset.SparseFeatures.Count }, generator: generator));

// Wall time, and the process's CPU time: on a loaded machine with one thread, the CPU time still compares the work.
var rowsPerSecond = new Dictionary<(SupernetCompute, int), double>();
var rowsPerCpuSecond = new Dictionary<(SupernetCompute, int), double>();
foreach (var compute in new[] { SupernetCompute.SkipZeroInputs, SupernetCompute.Masked })
{
    using var supernet = new Supernet(space, dataset, new SupernetOptions(TableCap: 500_000, Compute: compute));
    foreach (int rows in compute == SupernetCompute.Masked ? new[] { 512, 8192 } : new[] { 512, 2048, 4096, 8192 })
    {
        var (dense, sparse) = Rows(rows);
        using (no_grad()) supernet.HeadInput(dense, sparse, choice).Dispose(); // warm-up
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < calls; i++)
        {
            using var noGrad = no_grad();
            supernet.HeadInput(dense, sparse, choice).Dispose();
        }
        double perRow = clock.Elapsed.TotalMilliseconds / calls / rows;
        double cpuPerRow = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / calls / rows;
        rowsPerSecond[(compute, rows)] = 1000 / perRow;
        rowsPerCpuSecond[(compute, rows)] = 1000 / cpuPerRow;
        Console.WriteLine($"{compute,-15} {rows,5} rows/call: {perRow * 1000:F1} µs/row, {1000 / perRow:N0} rows/s; CPU {cpuPerRow * 1000:F1} µs/row");
    }
}

// Ours: every row at the default rows per call; the reference's: masked, training at 512 and validation at 8,192 rows per call.
foreach (var (clockName, rates) in new[] { ("wall", rowsPerSecond), ("CPU", rowsPerCpuSecond) })
{
    double ours = (TrainRows + ValidationRows) / rates[(SupernetCompute.SkipZeroInputs, new FineTuneSettings().ForwardRows)];
    double reference = TrainRows / rates[(SupernetCompute.Masked, 512)] + ValidationRows / rates[(SupernetCompute.Masked, 8192)];
    Console.WriteLine($"frozen forwards of one evaluation ({clockName} time): ours {ours:F0} s, the reference's arithmetic {reference:F0} s ({reference / ours:F1}x)");
}

// The head's 500 steps at batch 512, through the fine-tuning code with a frozen part that costs nothing (a fixed bank of features).
{
    using var head = nn.Linear(2176, 1);
    var bank = randn(new long[] { new FineTuneSettings().ForwardRows, 2176 }, generator: generator);
    NasRec.Runtime.Data.Batch Batch(int size) => new(zeros(size, 1), zeros(size, 1, dtype: int64), rand(new long[] { size, 1 }, generator: generator).lt(0.25).to(float32));
    using var data = FineTuneData.Of(HeldRows.Concat(Enumerable.Range(0, 500).Select(_ => Batch(512)).ToList()), HeldRows.Concat([Batch(512)]));
    var clock = Stopwatch.StartNew();
    HeadFineTuning.Run(head, (dense, _) => bank.narrow(0, 0, dense.shape[0]), data, new FineTuneSettings(), CPU);
    Console.WriteLine($"500 head steps at batch 512 (features given): {clock.Elapsed.TotalSeconds:F2} s");
}

static string FindRepo()
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "NasRec.Dsl.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("Run from inside the repository.");
}
