// Where a batch-4096 inference forward's time goes (CriteoNasRecNetSmall or -Full, tables capped at 500,000 rows, 2
// threads): the whole forward, then each direct child's share through forward hooks (median ms over the timed batches).
// A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/InferenceProfile.cs -c Release [-- batches [threads [Full|Small]]]
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Models;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

int timed = args.Length > 0 ? int.Parse(args[0]) : 20;
set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 2);
bool full = args.Length > 2 && args[2] == "Full";
const int Batch = 4096, Warmup = 3;

var generator = new Generator(7);
var batches = Enumerable.Range(0, 4).Select(_ => (
    Dense: rand(new long[] { Batch, 13 }, generator: generator),
    Sparse: stack(CriteoNasRecNetFull.TableSizes.Select(rows => randint(Math.Min(rows, 500_000), new long[] { Batch }, generator: generator)).ToArray(), 1))).ToArray();
using nn.Module<Tensor, Tensor, Tensor> model = full ? new CriteoNasRecNetFull(500_000) : new CriteoNasRecNetSmall(500_000);
// As the Evaluator does.
NativeHeap.RetainFreedMemory();

var times = new Dictionary<string, List<double>>();
void Record(string part, double ms) => (times.TryGetValue(part, out var list) ? list : times[part] = new()).Add(ms);
bool recording = false;
foreach (var (name, child) in model.named_children())
{
    var clock = new Stopwatch();
    void After() { if (recording) Record(name, clock.Elapsed.TotalMilliseconds); }
    switch (child)
    {
        case nn.Module<Tensor, Tensor> one:
            one.register_forward_pre_hook((_, x) => { clock.Restart(); return x; });
            one.register_forward_hook((_, _, y) => { After(); return y; });
            break;
        case nn.Module<Tensor, Tensor, Tensor> two:
            two.register_forward_pre_hook((_, _, _) => { clock.Restart(); return null; });
            two.register_forward_hook((_, _, _, y) => { After(); return y; });
            break;
    }
}

for (int i = 0; i < Warmup + timed; i++)
{
    recording = i >= Warmup;
    var batch = batches[i % batches.Length];
    var total = Stopwatch.StartNew();
    using (NewDisposeScope())
    using (no_grad())
    {
        model.call(batch.Dense, batch.Sparse);
    }
    if (recording) Record("forward (all)", total.Elapsed.TotalMilliseconds);
}

static double Median(List<double> values) { var s = values.Order().ToList(); return s[s.Count / 2]; }
double whole = Median(times["forward (all)"]);
Console.WriteLine($"{(full ? "CriteoNasRecNetFull" : "CriteoNasRecNetSmall")}, batch {Batch}, {get_num_threads()} threads, median of {timed}: {whole:F1} ms ({Batch * 1000 / whole:N0} samples/s)");
foreach (var (part, values) in times.Where(t => t.Key != "forward (all)"))
    Console.WriteLine($"  {part,-28} {Median(values),8:F2} ms {100 * Median(values) / whole,6:F1} %");
Console.WriteLine($"  {"(between the parts)",-28} {whole - times.Where(t => t.Key != "forward (all)").Sum(t => Median(t.Value)),8:F2} ms");
