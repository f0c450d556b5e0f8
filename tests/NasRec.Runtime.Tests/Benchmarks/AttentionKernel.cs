// The two-wide-head attention kernel alone (TwoWideHeadAttention, no projections): forward and backward of a packed
// [256, S, 48] projection, 8 heads, at the transformers' sequence lengths (48 and 64 tokens), median wall ms over the
// given iterations, one libtorch thread unless told. The kernel is internal to the runtime, so it is reached through
// reflection. A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/AttentionKernel.cs -c Release [-- iterations [threads]]
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
set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 1);
var attend = typeof(NativeHeap).Assembly.GetType("NasRec.Runtime.Operators.TwoWideHeadAttention")!
    .GetMethod("Attend", BindingFlags.Public | BindingFlags.Static)!;
foreach (long tokens in new long[] { 48, 64 })
{
    var qkv = randn(256, tokens, 48);
    var forward = new List<double>();
    var backward = new List<double>();
    for (int i = 0; i < iterations + 5; i++)
    {
        using var scope = NewDisposeScope();
        var x = qkv.clone().requires_grad_(true);
        var clock = Stopwatch.StartNew();
        var y = (Tensor)attend.Invoke(null, [x, 8L, null, 0L, null])!;
        double f = clock.Elapsed.TotalMilliseconds;
        var upstream = ones_like(y);
        clock.Restart();
        y.backward([upstream]);
        if (i < 5) continue;
        forward.Add(f);
        backward.Add(clock.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"{tokens} tokens: forward {forward.Order().ElementAt(iterations / 2):F2} ms, backward {backward.Order().ElementAt(iterations / 2):F2} ms");
}
