// The dot-product interaction's pairs alone (each sample's Gram matrix of k + 1 tokens, 16 units wide, its strictly
// lower triangle): PairwiseDots against the libtorch composition it replaces (a batched product and a selection),
// forward and backward of [256, k + 1, 16] tokens at the released models' widths (768: 40 tokens, 1,024: 46, 128: 17),
// median wall ms over the given iterations, the two alternating for three rounds, two libtorch threads unless told.
// The fused pairs are internal to the runtime, so they are reached through reflection. A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/DotProductPairs.cs -c Release [-- iterations [threads]]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
#:property PublishAot=false
using System.Diagnostics;
using System.Reflection;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

NativeHeap.RetainFreedMemory();
int iterations = args.Length > 0 ? int.Parse(args[0]) : 100;
set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 2);
var pairwiseDots = typeof(NativeHeap).Assembly.GetType("NasRec.Runtime.Operators.PairwiseDots")!;
var apply = pairwiseDots.GetMethod("Apply", BindingFlags.Public | BindingFlags.Static)!;
var select = pairwiseDots.GetMethod("Select", BindingFlags.Public | BindingFlags.Static)!;

foreach (long tokens in new long[] { 40, 46, 17 })
{
    var input = randn(256, tokens, 16);
    var rowsAndColumns = tril_indices(tokens, tokens, -1);
    var positions = rowsAndColumns[0] * tokens + rowsAndColumns[1];
    var pairs = new (string, Func<Tensor, Tensor>)[]
    {
        ("libtorch", t => (Tensor)select.Invoke(null, [t, positions])!),
        ("fused", t => (Tensor)apply.Invoke(null, [t])!),
    };
    for (int round = 0; round < 3; round++)
    foreach (var (name, pairsOf) in pairs)
    {
        var forward = new List<double>();
        var backward = new List<double>();
        for (int i = 0; i < iterations + 5; i++)
        {
            using var scope = NewDisposeScope();
            var x = input.clone().requires_grad_(true);
            var clock = Stopwatch.StartNew();
            var y = pairsOf(x);
            double f = clock.Elapsed.TotalMilliseconds;
            var upstream = ones_like(y);
            clock.Restart();
            y.backward([upstream]);
            if (i < 5) continue;
            forward.Add(f);
            backward.Add(clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"{tokens} tokens, {name,-8}: forward {forward.Order().ElementAt(iterations / 2):F3} ms, backward {backward.Order().ElementAt(iterations / 2):F3} ms");
    }
}
