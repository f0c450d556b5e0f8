// Float32 matrix products at the shapes that dominate the steps (a NASRec-Full supernet block, NASRec-Small's
// dot-product linear, a batch-4096 inference linear), in GFLOP/s, with MKL's kernels chosen by CPU features (the
// runtime's default, MklDispatch) or, with NASREC_MKL_BY_VENDOR=1, by MKL itself. A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/GemmKernels.cs -c Release [-- threads]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 1);
const int Warmup = 3, Repeats = 20;
Console.WriteLine($"{get_num_threads()} threads; the first product binds MKL's choice");
foreach (var (rows, inner, outputs) in new[] { (512L, 6157L, 1024L), (512L, 1035L, 1024L), (4096L, 1024L, 1024L) })
{
    using var input = randn(rows, inner);
    using var weight = randn(outputs, inner);
    for (int i = 0; i < Warmup; i++) nn.functional.linear(input, weight).Dispose();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < Repeats; i++) nn.functional.linear(input, weight).Dispose();
    double seconds = clock.Elapsed.TotalSeconds / Repeats;
    Console.WriteLine($"[{rows}, {inner}] x [{inner}, {outputs}]: {seconds * 1e3:F2} ms, {2.0 * rows * inner * outputs / seconds / 1e9:F0} GFLOP/s");
}
Console.WriteLine(MklDispatch.Describe());
