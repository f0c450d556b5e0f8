#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using System.Reflection;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;
NativeHeap.RetainFreedMemory();
set_num_threads(1);
var type = typeof(NativeHeap).Assembly.GetType("NasRec.Runtime.Operators.TwoWideHeadAttention")!;
var attend = type.GetMethod("Attend", BindingFlags.Public | BindingFlags.Static)!;
foreach (long tokens in new long[] { 48, 64 })
{
    var qkv = randn(256, tokens, 48);
    var b = new List<double>();
    for (int i = 0; i < 100; i++)
    {
        using var scope = NewDisposeScope();
        var x = qkv.clone().requires_grad_(true);
        var y = (Tensor)attend.Invoke(null, new object?[] { x, 8L, null, 0L, (int?)16 })!;
        var g = ones_like(y);
        var c0 = Stopwatch.StartNew();
        y.backward(new[] { g });
        b.Add(c0.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"tokens {tokens}: backward wall {b.Order().ElementAt(50):F2} mean {b.Skip(10).Average():F2} ms");
}
