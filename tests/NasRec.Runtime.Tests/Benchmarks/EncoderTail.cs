// The transformer's encoder tail alone (norm1 of the residual sum, ReLU feed-forward, residual, norm2) over tokens 16
// units wide: SixteenWideEncoderTail against the libtorch composition it replaces, forward and backward of
// [256, S, 16] residual sums at the transformers' sequence lengths (48 and 64 tokens), median wall ms over the given
// iterations, the two alternating for three rounds, one libtorch thread unless told. The fused tail is internal to the
// runtime, so it is reached through reflection. A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/EncoderTail.cs -c Release [-- iterations [threads]]
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
var apply = typeof(NativeHeap).Assembly.GetType("NasRec.Runtime.Operators.SixteenWideEncoderTail")!
    .GetMethod("Apply", BindingFlags.Public | BindingFlags.Static)!;
using var norm1 = nn.LayerNorm(16);
using var norm2 = nn.LayerNorm(16);
using var feedForward1 = nn.Linear(16, 16);
using var feedForward2 = nn.Linear(16, 16);
var parameters = new nn.Module[] { norm1, feedForward1, feedForward2, norm2 }.SelectMany(m => m.parameters()).ToArray();
Tensor Fused(Tensor s) => (Tensor)apply.Invoke(null, [s, norm1, feedForward1, feedForward2, norm2])!;
Tensor LibTorch(Tensor s)
{
    var u = norm1.call(s);
    return norm2.call(u + feedForward2.call(nn.functional.relu(feedForward1.call(u))));
}

foreach (long tokens in new long[] { 48, 64 })
{
    var residual = randn(256, tokens, 16);
    for (int round = 0; round < 3; round++)
    foreach (var (name, tail) in new (string, Func<Tensor, Tensor>)[] { ("libtorch", LibTorch), ("fused", Fused) })
    {
        var forward = new List<double>();
        var backward = new List<double>();
        for (int i = 0; i < iterations + 5; i++)
        {
            using var scope = NewDisposeScope();
            foreach (var parameter in parameters) parameter.grad = null;
            var x = residual.clone().requires_grad_(true);
            var clock = Stopwatch.StartNew();
            var y = tail(x);
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
