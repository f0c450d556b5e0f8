// What the joins between blocks cost at most: Criteo NASRec-Small's joins (the cat calls of CriteoNasRecNetSmall.forward,
// with their shapes) run alone, forward, and forward with backward (each join's gradient handed back to its parts), at
// the training batch (256) and the inference batch (4096). Mean ms over 40 calls after 5. A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/JoinCost.cs -c Release [-- threads]
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

// A runtime type first: its module initializer must run before libtorch's first MKL call; and the heap policy of a step.
NativeHeap.RetainFreedMemory();
set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 2);
// Criteo NASRec-Small's joins (CriteoNasRecNetSmall.forward): token counts of each sparse part, widths of each dense part.
long[][] sparseJoins = { new long[] { 48, 8 }, new long[] { 26, 56 }, new long[] { 48, 8 }, new long[] { 26, 56 }, new long[] { 56, 48 }, new long[] { 26, 56, 56, 32 } };
long[][] denseJoins = { new long[] { 13, 1024 }, new long[] { 13, 1024, 128, 16 }, new long[] { 13, 128, 128 }, new long[] { 1024, 1024 } };
foreach (long batch in new long[] { 256, 4096 })
{
    var parts = sparseJoins.Select(j => j.Select(n => randn(batch, n, 16).requires_grad_(true)).ToArray())
        .Concat(denseJoins.Select(j => j.Select(w => randn(batch, w).requires_grad_(true)).ToArray())).ToArray();
    double Mean(Action call) { for (int i = 0; i < 5; i++) call(); var c = Stopwatch.StartNew(); for (int i = 0; i < 40; i++) call(); return c.Elapsed.TotalMilliseconds / 40; }
    double forward = Mean(() => { using var s = NewDisposeScope(); using var g = no_grad(); foreach (var p in parts) cat(p, 1); });
    double both = Mean(() =>
    {
        using var s = NewDisposeScope();
        foreach (var p in parts) { var y = cat(p, 1); y.backward(new[] { ones_like(y) }); }
        foreach (var p in parts) foreach (var t in p) t.grad!.zero_();
    });
    double ones = Mean(() => { using var s = NewDisposeScope(); foreach (var p in parts) { var y = cat(p, 1); using (no_grad()) ones_like(y); } });
    Console.WriteLine($"batch {batch}: the joins forward {forward:F2} ms; forward and backward {both:F2} ms (of which making the output gradients about {ones - forward:F2})");
}
