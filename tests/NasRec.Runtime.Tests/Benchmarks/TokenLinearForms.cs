// A linear over tokens without a layer norm (the EFC operator, TokenAxis.Project) in its two formulations, at Criteo
// NASRec-Small's shapes (block 6: 170 tokens to 64; blocks 1 and 3: 82 to 48; block 0: 26 to 48), the training batch
// (256) and the inference batch (4096): the batched product of the expanded weight that TokenAxis runs, and matmul,
// which folds the batch into one product and copies its input and output transposed. Forward alone and forward with
// backward (both gradients), mean ms over 40 calls after 5.
// A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/TokenLinearForms.cs -c Release [-- threads]
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

// A runtime type first: its module initializer lets MKL choose its kernels by the CPU's features before the first product.
NativeHeap.RetainFreedMemory();
set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 2);
const long Embedding = 16;
foreach (long batch in new long[] { 256, 4096 })
{
    foreach (var (inTokens, outTokens) in new[] { (170L, 64L), (82L, 48L), (26L, 48L) })
    {
        using var tokens = randn(batch, inTokens, Embedding).requires_grad_(true);
        using var weight = randn(outTokens, inTokens).requires_grad_(true);
        using var outputGradient = randn(batch, outTokens, Embedding);
        Tensor Batched() => bmm(weight.expand(batch, outTokens, inTokens), tokens);
        Tensor Folded() => matmul(weight, tokens);
        double Forward(Func<Tensor> form) => Mean(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            form();
        });
        double ForwardBackward(Func<Tensor> form) => Mean(() =>
        {
            using var scope = NewDisposeScope();
            form().backward(new[] { outputGradient });
            weight.grad!.zero_();
            tokens.grad!.zero_();
        });
        Console.WriteLine($"batch {batch}, {inTokens} tokens to {outTokens}: forward {Forward(Batched):F3} (batched) / {Forward(Folded):F3} (folded) ms, " +
            $"forward and backward {ForwardBackward(Batched):F3} / {ForwardBackward(Folded):F3} ms");
    }
}

static double Mean(Action call)
{
    for (int i = 0; i < 5; i++) call();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < 40; i++) call();
    return clock.Elapsed.TotalMilliseconds / 40;
}
