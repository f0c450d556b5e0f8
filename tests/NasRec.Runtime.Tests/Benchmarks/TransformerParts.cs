// Where a NASRec-Full transformer's time goes, batch 256: the whole operator and its attention alone, forward and
// backward, median wall ms, at the thread count given, and the process's CPU time over wall time while each ran (2 at
// two threads means both were busy, spinning included). A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/TransformerParts.cs -c Release [-- threads [steps]]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 2);
int steps = args.Length > 1 ? int.Parse(args[1]) : 60;
NativeHeap.RetainFreedMemory();
const int Batch = 256;
var generator = new Generator(3);

foreach (var (inTokens, tokens) in new[] { (26L, 64L), (104L, 48L) })
{
    using var transformer = new TransformerOperator(inTokens, tokens, 16, layerNorm: false);
    using var attention = new SelfAttention(16, 8);
    var input = randn(new long[] { Batch, inTokens, 16 }, generator: generator);
    var h = randn(new long[] { Batch, tokens, 16 }, generator: generator);
    Report($"transformer {inTokens}->{tokens}", x => transformer.call(x), input);
    Report($"  attention alone over {tokens}", x => attention.call(x), h);
    Report($"  linear 16->48 over {tokens}", x => nn.functional.linear(x, attention.parameters().First()), h);
    Report($"  layer_norm 16 over {tokens}", x => nn.functional.layer_norm(x, [16]), h);
}

void Report(string name, Func<Tensor, Tensor> forward, Tensor input)
{
    var f = new List<double>(); var b = new List<double>();
    var wall = Stopwatch.StartNew(); var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    for (int i = 0; i < steps + 5; i++)
    {
        using var scope = NewDisposeScope();
        var x = input.clone().requires_grad_(true);
        var watch = Stopwatch.StartNew();
        var y = forward(x);
        double fm = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        y.backward(new[] { ones_like(y) });
        double bm = watch.Elapsed.TotalMilliseconds;
        if (i >= 5) { f.Add(fm); b.Add(bm); }
    }
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine($"{name,-36} cpu/wall {cpu.TotalMilliseconds / wall.Elapsed.TotalMilliseconds:F2} forward {f.Order().ElementAt(f.Count / 2),7:F2}  backward {b.Order().ElementAt(b.Count / 2),7:F2} ms");
}
