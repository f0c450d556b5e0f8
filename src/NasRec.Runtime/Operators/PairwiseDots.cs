using System.Runtime.Intrinsics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// The dot-product interaction's pairs: for each row of n tokens (<c>[B, n, 16]</c>), the dot products tₐ·t_b with
/// a &gt; b, row after row of the strictly lower triangle (<c>[B, n(n-1)/2]</c>). libtorch takes them as a batched
/// Gram product and a selection of its lower triangle, and their backward as three more operators (the selection's
/// scatter into a zero Gram gradient and two batched products): batch 256 and 40 tokens, 0.25 ms forward and 0.31 ms
/// backward at two threads, against 0.10-0.15 and 0.09-0.12 here (docs/benchmarks.md). Here each is one pass per row,
/// a token being one register (AVX-512). The forward
/// transposes the row's tokens sixteen at a time, so that row a of the triangle is, per sixteen b, sixteen
/// multiply-adds of tₐ's units broadcast. The backward is <c>dtₐ = Σ_{b&lt;a} dP(a,b)·t_b + Σ_{b&gt;a} dP(b,a)·t_b</c>,
/// each pair gradient broadcast from L1. Same function as the composition to float rounding.
/// </summary>
internal static unsafe class PairwiseDots
{
    public const int Width = SixteenBySixteen.Width;

    /// <summary>Whether the fused passes serve tokens of this shape, type and device on this CPU.</summary>
    public static bool Serves(Tensor tokens) =>
        SixteenBySixteen.Runs(tokens) && tokens.dim() == 3 && tokens.shape[^1] == Width;

    /// <summary>The pairs of tokens that <see cref="Serves"/>.</summary>
    public static Tensor Apply(Tensor tokens) =>
        is_grad_enabled() && tokens.requires_grad ? Function.apply(tokens) : Forward(tokens.contiguous());

    /// <summary>The libtorch composition: the Gram matrix, flattened, at the pairs' flat <paramref name="positions"/> in it.</summary>
    public static Tensor Select(Tensor tokens, Tensor positions) =>
        bmm(tokens, tokens.transpose(1, 2)).flatten(1).index_select(1, positions);

    /// <summary>The pairs a > b among <paramref name="tokens"/> tokens.</summary>
    public static long PairCount(long tokens) => tokens * (tokens - 1) / 2;

    private const long MaxStackFloats = 32 * 1024;

    private static Tensor Forward(Tensor tokens)
    {
        long rows = tokens.shape[0];
        int n = (int)tokens.shape[1];
        long pairs = PairCount(n), tokenFloats = (long)n * Width;
        var output = empty(rows, pairs);
        var (t, p) = ((nint)NativeData.Floats(tokens), (nint)NativeData.Floats(output));
        LibTorchThreads.For(rows, (first, last) =>
        {
            int blocks = (n + Width - 1) / Width;
            // A row's tokens transposed, and its pairs with room for the last register's overhang: 7 KB at the widest
            // width of the released spaces (1,024 units, 46 tokens); on the heap only for widths far beyond.
            long size = blocks * SixteenBySixteen.BlockSize + pairs + Width;
            Span<float> scratch = size <= MaxStackFloats ? stackalloc float[(int)size] : new float[size];
            fixed (float* transposed = scratch)
            {
                float* rowPairs = transposed + blocks * SixteenBySixteen.BlockSize;
                for (long row = first; row < last; row++)
                {
                    float* tokensOfRow = (float*)t + row * tokenFloats;
                    for (int block = 0; block < blocks; block++)
                        SixteenBySixteen.TransposeIn(tokensOfRow + block * SixteenBySixteen.BlockSize, Math.Min(Width, n - block * Width), transposed + block * SixteenBySixteen.BlockSize);
                    ForwardRow(tokensOfRow, transposed, n, rowPairs);
                    Buffer.MemoryCopy(rowPairs, (float*)p + row * pairs, pairs * sizeof(float), pairs * sizeof(float));
                }
            }
        });
        return output;
    }

    /// <summary>
    /// One row's pairs from its tokens and their transposed blocks: row a of the triangle, sixteen b at a time, stored
    /// whole in ascending order, so that each register's lanes past b = a - 1 are overwritten by row a + 1.
    /// </summary>
    private static void ForwardRow(float* tokens, float* transposed, int n, float* pairs)
    {
        float* row = pairs;
        for (int a = 1; a < n; row += a, a++)
        {
            float* ta = tokens + a * Width;
            for (int first = 0; first < a; first += Width)
            {
                float* units = transposed + first * Width;
                Vector512<float> even = Vector512<float>.Zero, odd = Vector512<float>.Zero;
                for (int unit = 0; unit < Width; unit += 2)
                {
                    even = Vector512.FusedMultiplyAdd(Vector512.Create(ta[unit]), Vector512.Load(units + unit * Width), even);
                    odd = Vector512.FusedMultiplyAdd(Vector512.Create(ta[unit + 1]), Vector512.Load(units + (unit + 1) * Width), odd);
                }
                (even + odd).Store(row + first);
            }
        }
    }

    private static Tensor Backward(Tensor tokens, Tensor pairGradient)
    {
        var gradient = empty_like(tokens);
        long rows = tokens.shape[0];
        int n = (int)tokens.shape[1];
        long pairs = PairCount(n), tokenFloats = (long)n * Width;
        var (t, d, g) = ((nint)NativeData.Floats(tokens), (nint)NativeData.Floats(pairGradient), (nint)NativeData.Floats(gradient));
        LibTorchThreads.For(rows, (first, last) =>
        {
            for (long row = first; row < last; row++)
                BackwardRow((float*)t + row * tokenFloats, (float*)d + row * pairs, n, (float*)g + row * tokenFloats);
        });
        return gradient;
    }

    /// <summary>
    /// One row's token gradients. Row a of the triangle adds its pairs into dtₐ in registers (two chains, for the adds'
    /// latency) and into each dt_b, b &lt; a, in place; dtₐ is complete then but for the rows below, which add to it later.
    /// </summary>
    private static void BackwardRow(float* tokens, float* pairGradient, int n, float* gradient)
    {
        Vector512<float>.Zero.Store(gradient);
        float* d = pairGradient;
        for (int a = 1; a < n; d += a, a++)
        {
            var ta = Vector512.Load(tokens + a * Width);
            Vector512<float> even = Vector512<float>.Zero, odd = Vector512<float>.Zero;
            int b = 0;
            for (; b + 1 < a; b += 2)
            {
                Vector512<float> p0 = Vector512.Create(d[b]), p1 = Vector512.Create(d[b + 1]);
                float* g0 = gradient + b * Width, g1 = g0 + Width;
                even = Vector512.FusedMultiplyAdd(p0, Vector512.Load(tokens + b * Width), even);
                odd = Vector512.FusedMultiplyAdd(p1, Vector512.Load(tokens + (b + 1) * Width), odd);
                Vector512.FusedMultiplyAdd(p0, ta, Vector512.Load(g0)).Store(g0);
                Vector512.FusedMultiplyAdd(p1, ta, Vector512.Load(g1)).Store(g1);
            }
            if (b < a)
            {
                var p = Vector512.Create(d[b]);
                float* gb = gradient + b * Width;
                even = Vector512.FusedMultiplyAdd(p, Vector512.Load(tokens + b * Width), even);
                Vector512.FusedMultiplyAdd(p, ta, Vector512.Load(gb)).Store(gb);
            }
            (even + odd).Store(gradient + a * Width);
        }
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(PairwiseDots);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var tokens = ((Tensor)vars[0]).contiguous();
            ctx.save_for_backward([tokens]);
            return Forward(tokens);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
            [Backward(ctx.get_saved_variables()[0], grad_output.contiguous())];
    }
}
