// A user's own training loop over a supernet (5 blocks of NASRec-Full's operators, narrow widths, tiny tables), without
// any dispose scope, while a thread runs garbage collections and finalizers back to back: anything shipped code hands
// libtorch without holding it (a number, a temporary tensor, a tensor behind a kernel's pointer) is then freed under
// the call sooner or later, and the loop crashes. It must print "done". Modes: forward (no autograd), backward, all
// (with the row-sparse Adagrad step); subnet: all over the compiled Criteo NASRec-Full instead (tables capped at 50
// rows), whose transformers run the custom autograd kernels. A file-based program, not a test (a minute or so, and a crash kills its process):
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/GarbageCollectionStorm.cs -c Release [-- forward|backward|all]
// NO_STORM=1 runs the same loop without the collecting thread, as a control; THREADS=n sets libtorch's threads.
// Eighteenth stop: forward and backward printed "done" (3 runs of 3 each); all crashed in 3 runs of 8, never without
// the storm. Nineteenth stop: the cause was TorchSharp's bridge for custom autograd functions, which hands libtorch the
// tensors a backward returns after nothing references them ("tensor does not have a device" in the engine's check of
// those gradients); with AutogradBridge holding them, all printed "done" 17 runs of 17 (2 of 4 crashed just before).
// The subnet mode printed "done" 5 runs of 5 on the build before the fix and 5 of 5 after: it crashes less readily.
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property GenerateProgramFile=false
using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Models;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

var workspace = Workspace.LoadDirectory(Path.Combine(FindRepo(), "spaces"));
var full = workspace.Catalog.Space("NasRecFull")!;
var space = full with { Blocks = 5, DenseWidths = new[] { 16, 32, 64 }.ToEquatableArray(), SparseTokens = EquatableArray.Create(8, 16) };
bool stopping = false;
var storm = new Thread(() => { while (!Volatile.Read(ref stopping)) { GC.Collect(); GC.WaitForPendingFinalizers(); } });
if (Environment.GetEnvironmentVariable("NO_STORM") != "1") storm.Start();
var mode = args.Length > 0 ? args[0] : "all";
using nn.Module<Tensor, Tensor, Tensor> model = mode == "subnet" ? new CriteoNasRecNetFull(tableCap: 50) : SmallSupernet();
using var optimizer = new RowSparseAdagrad(model);
if (Environment.GetEnvironmentVariable("THREADS") is { } threads) set_num_threads(int.Parse(threads));
var g = new Generator(6);
for (int i = 0; i < 300; i++)
{
    var dense = randn([64, 13], generator: g);
    var ids = randint(0, 50, [64, 26], generator: g, dtype: int64);
    var label = Label(dense);
    using var noGrad = mode == "forward" ? no_grad() : null;
    var logits = model.call(dense, ids);
    var loss = nn.functional.binary_cross_entropy_with_logits(logits, label);
    if (mode != "forward") loss.backward();
    if (mode is "all" or "subnet") optimizer.Step(0.05, 5.0);
    if (mode != "forward") optimizer.ZeroGradients();
    if (i % 50 == 0) Console.WriteLine($"{i}: {loss.item<float>()}");
    // This loop's own tensors are held to the end of the step: only shipped code is on trial.
    GC.KeepAlive((dense, ids, label, logits, loss));
}
Volatile.Write(ref stopping, true);
if (storm.IsAlive) storm.Join();
Console.WriteLine("done");

Supernet SmallSupernet() => new(space, workspace.Catalog.Dataset("Criteo")!, new SupernetOptions(50, true, SupernetCompute.SkipZeroInputs))
{
    Sampler = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, warmupSteps: 50, seed: 3),
};

static Tensor Label(Tensor dense)
{
    using var scope = NewDisposeScope();
    return dense.select(1, 0).signbit().logical_not().to(float32).unsqueeze(1).MoveToOuterDisposeScope();
}

static string FindRepo()
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "NasRec.Dsl.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("Run from inside the repository.");
}
