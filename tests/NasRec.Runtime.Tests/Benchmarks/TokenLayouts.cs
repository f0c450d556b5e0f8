// Criteo NASRec-Small's sparse side (its linears over tokens and the joins between them, CriteoNasRecNetSmall.forward)
// in three layouts, forward and backward: batch-major tokens [B, N, E] as the compiled subnets hold them (joins along
// axis 1, each linear a batched product per sample), token-major [N, B, E] (joins along axis 0, each linear one
// product [M, N] x [N, B·E]) and token-last [B, E, N] as the supernet holds them (joins along axis 2, each linear one
// product [B·E, N] x [N, M]). Same arithmetic, the same weights; mean ms over 30 calls after 5 (in rounds of 5, the two layouts
// alternating). A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/TokenLayouts.cs -c Release [-- threads]
#:project ../../../src/NasRec.Models/NasRec.Models.csproj
#:property IsTestProject=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

// A runtime type first: its module initializer must run before libtorch's first MKL call; and the heap policy of a step.
NativeHeap.RetainFreedMemory();
set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 2);
const long E = 16;
// (input tokens, output tokens) of blocks 0, 1, 3, 4 and 6's linears over tokens.
var shapes = new (long In, long Out)[] { (26, 48), (82, 48), (82, 48), (104, 32), (170, 64) };
var weights = shapes.Select(s => (randn(s.Out, s.In) / Math.Sqrt(s.In)).requires_grad_(true)).ToArray();

foreach (long batch in new long[] { 256, 4096 })
{
    using var embedded = randn(batch, 26, E);
    using var merged = randn(batch, 8, E); // the dense-to-sparse merger's tokens, as given
    using var embeddedT = embedded.transpose(0, 1).contiguous();
    using var mergedT = merged.transpose(0, 1).contiguous();

    // Batch-major: [B, N, E], joins along 1, W·X per sample.
    Tensor BatchMajor()
    {
        Tensor Linear(int i, Tensor x) => nn.functional.relu(bmm(weights[i].expand(batch, weights[i].shape[0], weights[i].shape[1]), x));
        var s0 = embedded;
        var s1 = cat(new[] { Linear(0, s0), merged }, 1);
        var s2 = cat(new[] { Linear(1, cat(new[] { s0, s1 }, 1)), merged }, 1);
        var s4 = Linear(2, cat(new[] { s0, s2 }, 1));
        var s5 = Linear(3, cat(new[] { s2, s4 }, 1));
        return Linear(4, cat(new[] { s0, s1, s2, s5 }, 1));
    }

    // Token-major: [N, B, E], joins along 0, W·X as one product over B·E columns.
    Tensor TokenMajor()
    {
        Tensor Linear(int i, Tensor x) => nn.functional.relu(weights[i].mm(x.view(x.shape[0], -1))).view(-1, batch, E);
        var s0 = embeddedT;
        var s1 = cat(new[] { Linear(0, s0), mergedT }, 0);
        var s2 = cat(new[] { Linear(1, cat(new[] { s0, s1 }, 0)), mergedT }, 0);
        var s4 = Linear(2, cat(new[] { s0, s2 }, 0));
        var s5 = Linear(3, cat(new[] { s2, s4 }, 0));
        return Linear(4, cat(new[] { s0, s1, s2, s5 }, 0));
    }

    // Token-last: [B, E, N], joins along 2, X·Wᵀ as one product over B·E rows (the supernet's layout, TokenAxis.ProjectTransposed).
    using var embeddedL = embedded.transpose(1, 2).contiguous();
    using var mergedL = merged.transpose(1, 2).contiguous();
    Tensor TokenLast()
    {
        Tensor Linear(int i, Tensor x) => nn.functional.relu(x.reshape(-1, x.shape[2]).mm(weights[i].t())).view(batch, E, -1);
        var s0 = embeddedL;
        var s1 = cat(new[] { Linear(0, s0), mergedL }, 2);
        var s2 = cat(new[] { Linear(1, cat(new[] { s0, s1 }, 2)), mergedL }, 2);
        var s4 = Linear(2, cat(new[] { s0, s2 }, 2));
        var s5 = Linear(3, cat(new[] { s2, s4 }, 2));
        return Linear(4, cat(new[] { s0, s1, s2, s5 }, 2));
    }

    using (var scope = NewDisposeScope())
    using (no_grad())
    {
        var reference = BatchMajor();
        var difference = Math.Max((reference - TokenMajor().transpose(0, 1)).abs().max().item<float>(),
            (reference - TokenLast().transpose(1, 2)).abs().max().item<float>());
        Console.WriteLine($"batch {batch}: largest difference between the layouts' outputs {difference:E1}");
    }
    double forwardBatch = 0, forwardToken = 0, bothBatch = 0, bothToken = 0, forwardLast = 0, bothLast = 0;
    double Mean(Action call, int calls) { var c = Stopwatch.StartNew(); for (int i = 0; i < calls; i++) call(); return c.Elapsed.TotalMilliseconds / calls; }
    void Forward(Func<Tensor> layout) { using var s = NewDisposeScope(); using var g = no_grad(); layout(); }
    void Both(Func<Tensor> layout)
    {
        using var s = NewDisposeScope();
        var y = layout();
        y.backward(new[] { ones_like(y) });
        foreach (var w in weights) w.grad!.zero_();
    }
    for (int round = 0; round < 7; round++)
    {
        const int calls = 5; // round 0 warms up
        double fb = Mean(() => Forward(BatchMajor), calls), ft = Mean(() => Forward(TokenMajor), calls);
        double bb = Mean(() => Both(BatchMajor), calls), bt = Mean(() => Both(TokenMajor), calls);
        double fl = Mean(() => Forward(TokenLast), calls), bl = Mean(() => Both(TokenLast), calls);
        if (round == 0) continue;
        forwardBatch += fb / 6; forwardToken += ft / 6; bothBatch += bb / 6; bothToken += bt / 6; forwardLast += fl / 6; bothLast += bl / 6;
    }
    Console.WriteLine($"batch {batch}: forward {forwardBatch:F2} (batch-major) / {forwardToken:F2} (token-major) / {forwardLast:F2} (token-last) ms; " +
        $"forward and backward {bothBatch:F2} / {bothToken:F2} / {bothLast:F2} ms");
}
