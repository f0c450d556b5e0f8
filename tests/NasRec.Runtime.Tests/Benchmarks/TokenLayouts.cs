// Criteo NASRec-Small's sparse side (its linears over tokens and the joins between them, CriteoNasRecNetSmall.forward)
// in three layouts, forward and backward: batch-major tokens [B, N, E] as the compiled subnets hold them (joins along
// axis 1, each linear a batched product per sample), token-major [N, B, E] (joins along axis 0, each linear one
// product [M, N] x [N, B·E]) and token-last [B, E, N] as the supernet holds them (joins along axis 2, each linear one
// product [B·E, N] x [N, M]). Same arithmetic, the same weights; mean ms over 30 calls after 5 (in rounds of 5, the layouts
// alternating). A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/TokenLayouts.cs -c Release [-- threads]
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
    using var embeddedL = embedded.transpose(1, 2).contiguous();
    using var mergedL = merged.transpose(1, 2).contiguous();

    // The joins of CriteoNasRecNetSmall.forward along the token axis of the layout, each followed by its linear.
    Tensor Chain(Tensor s0, Tensor mergedTokens, long axis, Func<int, Tensor, Tensor> linear)
    {
        Tensor Join(params Tensor[] parts) => cat(parts, axis);
        var s1 = Join(linear(0, s0), mergedTokens);
        var s2 = Join(linear(1, Join(s0, s1)), mergedTokens);
        var s4 = linear(2, Join(s0, s2));
        var s5 = linear(3, Join(s2, s4));
        return linear(4, Join(s0, s1, s2, s5));
    }
    // Batch-major [B, N, E]: W·X per sample. Token-major [N, B, E]: one product over B·E columns. Token-last [B, E, N]:
    // one product over B·E rows (the supernet's layout, TokenAxis.ProjectTransposed).
    Tensor BatchMajor() => Chain(embedded, merged, 1,
        (i, x) => nn.functional.relu(bmm(weights[i].expand(batch, weights[i].shape[0], weights[i].shape[1]), x)));
    Tensor TokenMajor() => Chain(embeddedT, mergedT, 0,
        (i, x) => nn.functional.relu(weights[i].mm(x.view(x.shape[0], -1))).view(-1, batch, E));
    Tensor TokenLast() => Chain(embeddedL, mergedL, 2,
        (i, x) => nn.functional.relu(x.reshape(-1, x.shape[2]).mm(weights[i].t())).view(batch, E, -1));

    using (var scope = NewDisposeScope())
    using (no_grad())
    {
        var reference = BatchMajor();
        var difference = Math.Max((reference - TokenMajor().transpose(0, 1)).abs().max().item<float>(),
            (reference - TokenLast().transpose(1, 2)).abs().max().item<float>());
        Console.WriteLine($"batch {batch}: largest difference between the layouts' outputs {difference:E1}");
    }
    void Forward(Func<Tensor> layout) { using var s = NewDisposeScope(); using var g = no_grad(); layout(); }
    void Both(Func<Tensor> layout)
    {
        using var s = NewDisposeScope();
        var y = layout();
        y.backward(new[] { ones_like(y) });
        foreach (var w in weights) w.grad!.zero_();
    }
    // Rounds of 5 calls each, the layouts alternating; the first round warms up.
    var timed = new (Action Call, double Total)[]
    {
        (() => Forward(BatchMajor), 0), (() => Forward(TokenMajor), 0), (() => Forward(TokenLast), 0),
        (() => Both(BatchMajor), 0), (() => Both(TokenMajor), 0), (() => Both(TokenLast), 0),
    };
    const int Rounds = 6, Calls = 5;
    for (int round = 0; round <= Rounds; round++)
    {
        for (int t = 0; t < timed.Length; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Calls; i++) timed[t].Call();
            if (round > 0) timed[t].Total += clock.Elapsed.TotalMilliseconds / Calls / Rounds;
        }
    }
    var (forwardBatch, forwardToken, forwardLast, bothBatch, bothToken, bothLast) =
        (timed[0].Total, timed[1].Total, timed[2].Total, timed[3].Total, timed[4].Total, timed[5].Total);
    Console.WriteLine($"batch {batch}: forward {forwardBatch:F2} (batch-major) / {forwardToken:F2} (token-major) / {forwardLast:F2} (token-last) ms; " +
        $"forward and backward {bothBatch:F2} / {bothToken:F2} / {bothLast:F2} ms");
}
