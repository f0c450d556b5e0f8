using System.Runtime.CompilerServices;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Softmax attention of heads two units wide on the CPU, forward and backward written for what they are: per (sample,
/// head) the S keys and values sit in four short vectors, and the logits, softmax and weighted sums run in registers
/// (16 floats with AVX-512, <see cref="IFloatLanes{TSelf}"/>): forward, a register of queries against one key at a
/// time; backward, one query against a register of keys. The pairs are split over libtorch's own threads
/// (<see cref="LibTorchThreads"/>). libtorch's fused kernel treats the heads as S×2 by 2×S matrix products, whose
/// blocking costs more than the arithmetic at width 2: batch 256, 64 tokens, 2 threads, forward and backward 2.8 and
/// 4.4 ms here against 11.4 and 12.4 for the first version of this kernel (docs/benchmarks.md), which already beat the
/// fused kernel.
/// The backward recomputes the softmax from the saved log-sum-exp as flash attention does, so the S×S weights are
/// never stored. Same function as <c>scaled_dot_product_attention</c> (scale 1/√2, no mask) to float rounding.
/// A sequence may go on with zero tokens whose outputs are not wanted (the supernet's masked tokens): they all have the
/// same key and value, so they enter as one more key whose logit is raised by <c>ln(count)</c>.
/// </summary>
internal static unsafe class TwoWideHeadAttention
{
    public const long HeadWidth = 2;

    /// <summary>Longest sequence the kernel keeps on the stack (its scratch is a few vectors of this length).</summary>
    public const long MaxTokens = 1024;

    private static readonly float Scale = 1f / MathF.Sqrt(HeadWidth);

    /// <summary>
    /// Whether <see cref="Attend"/> serves a packed projection of this shape, type and
    /// device, the sequence going on with <paramref name="zeroTokens"/> zero tokens.
    /// </summary>
    public static bool Serves(Tensor qkv, long heads, long zeroTokens) =>
        qkv.device_type == TorchSharp.DeviceType.CPU && qkv.dtype == ScalarType.Float32 && qkv.dim() == 3
        && qkv.shape[2] == 3 * heads * HeadWidth && qkv.shape[1] + (zeroTokens > 0 ? 1 : 0) <= MaxTokens;

    /// <summary>
    /// Heads attending over their sequence: from the packed in-projection <c>[B, S, 3E]</c> (queries, keys, values,
    /// each head's two units adjacent) to the heads' outputs side by side, <c>[B, S, E]</c>, as the out-projection reads
    /// them. The sequence may go on with <paramref name="zeroTokens"/> tokens whose key and value are
    /// <paramref name="zeroKeyValue"/> (<c>[2E]</c>, the keys' then the values' units, as in the packed projection;
    /// null when there are none). The kernel runs over registers of <paramref name="lanes"/> floats (16, 8 or 4; by
    /// default the widest the CPU accelerates), all of which give the same function to float rounding.
    /// </summary>
    public static Tensor Attend(Tensor qkv, long heads, Tensor? zeroKeyValue, long zeroTokens, int? lanes = null)
    {
        if (zeroTokens > 0 && zeroKeyValue is null) throw new ArgumentNullException(nameof(zeroKeyValue), "Zero tokens need their key and value.");
        if (lanes is not (null or 16 or 8 or 4)) throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "Registers of 16, 8 or 4 floats.");
        var counted = zeroTokens > 0 ? zeroKeyValue : null;
        var shape = new Shape(qkv.shape[0], qkv.shape[1], heads, zeroTokens, lanes ?? FloatLanes.Widest);
        return is_grad_enabled() && (qkv.requires_grad || counted?.requires_grad == true)
            ? Function.apply(qkv, counted!, shape)
            : Forward(qkv.contiguous(), counted?.contiguous(), shape, logSumExp: null);
    }

    private static Tensor Forward(Tensor qkv, Tensor? zeroKeyValue, Shape shape, Tensor? logSumExp)
    {
        var output = empty(shape.Batch, shape.Tokens, shape.Width, dtype: qkv.dtype);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue),
               target = Floats(output), lse = logSumExp is null ? default : Floats(logSumExp))
        {
            var (q, z, o, l) = ((nint)source, (nint)zero, (nint)target, (nint)lse);
            ForEachHead(shape, shape.Lanes switch
            {
                16 => (sample, head) => ForwardHead<Lanes512>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
                8 => (sample, head) => ForwardHead<Lanes256>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
                _ => (sample, head) => ForwardHead<Lanes128>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
            });
        }
        return output;
    }

    /// <summary>The gradients of the packed projection and, with zero tokens, of their key and value (<c>[2E]</c>, summed over the batch).</summary>
    private static (Tensor Qkv, Tensor? ZeroKeyValue) Backward(
        Tensor qkv, Tensor? zeroKeyValue, Tensor output, Tensor logSumExp, Tensor outputGradient, Shape shape)
    {
        var gradient = empty_like(qkv);
        // Per sample: the zero key's then the zero value's units, as zeroKeyValue lays them out.
        var zeroGradient = zeroKeyValue is null ? null : empty(shape.Batch, 2 * shape.Width, dtype: qkv.dtype);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue), result = Floats(output),
               lse = Floats(logSumExp), dOut = Floats(outputGradient), dSource = Floats(gradient), dZero = zeroGradient is null ? default : Floats(zeroGradient))
        {
            var pointers = new BackwardPointers((nint)source, (nint)zero, (nint)result, (nint)lse, (nint)dOut, (nint)dSource, (nint)dZero);
            ForEachHead(shape, shape.Lanes switch
            {
                16 => (sample, head) => BackwardHead<Lanes512>(shape, pointers, sample, head),
                8 => (sample, head) => BackwardHead<Lanes256>(shape, pointers, sample, head),
                _ => (sample, head) => BackwardHead<Lanes128>(shape, pointers, sample, head),
            });
        }
        return (gradient, zeroGradient?.sum(dim: 0));
    }

    /// <summary>The problem's sizes, and the registers' lanes the kernel runs over.</summary>
    private readonly record struct Shape(long Batch, long Tokens, long Heads, long ZeroTokens, int Lanes)
    {
        public long Width => Heads * HeadWidth;

        /// <summary>The keys: the tokens and, when there are zero tokens, the one key standing for them.</summary>
        public long Keys => ZeroTokens > 0 ? Tokens + 1 : Tokens;

        /// <summary>The keys rounded up to whole registers.</summary>
        public int Padded => (int)((Keys + Lanes - 1) / Lanes * Lanes);
        public long Row(long sample, long token) => (sample * Tokens + token) * 3 * Width;
    }

    private readonly record struct BackwardPointers(
        nint Qkv, nint ZeroKeyValue, nint Output, nint LogSumExp, nint OutputGradient, nint QkvGradient, nint ZeroKeyValueGradient);

    /// <summary>Every (sample, head) pair once, in contiguous ranges over libtorch's threads.</summary>
    private static void ForEachHead(Shape shape, Action<long, long> body) =>
        LibTorchThreads.For(shape.Batch * shape.Heads, (start, end) =>
        {
            for (long pair = start; pair < end; pair++)
                body(pair / shape.Heads, pair % shape.Heads);
        });

    /// <summary>The vectors <see cref="GatherKeys"/> lays out: the keys' two units, the values' two, a logit bias.</summary>
    private const int KeyVectors = 5;

    /// <summary>
    /// One head's keys and values gathered into <see cref="KeyVectors"/> vectors of <paramref name="padded"/> floats
    /// one after the other from <paramref name="scratch"/> (<c>k0, k1, v0, v1, bias</c>), with a logit bias per key: −∞
    /// on the padding (no weight), whose values are zero, and <c>ln(count)</c> on the zero tokens' key.
    /// </summary>
    private static void GatherKeys(float* scratch, int padded, Shape shape, float* qkv, float* zeroKeyValue, long sample, long head)
    {
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        long width = shape.Width;
        for (int j = 0; j < padded; j++)
        {
            if (j < shape.Tokens)
            {
                float* row = qkv + shape.Row(sample, j) + head * HeadWidth;
                (k0[j], k1[j], v0[j], v1[j], bias[j]) = (row[width], row[width + 1], row[2 * width], row[2 * width + 1], 0f);
            }
            else if (j < shape.Keys)
            {
                float* key = zeroKeyValue + head * HeadWidth;
                (k0[j], k1[j], v0[j], v1[j], bias[j]) = (key[0], key[1], key[width], key[width + 1], MathF.Log(shape.ZeroTokens));
            }
            else (k0[j], k1[j], v0[j], v1[j], bias[j]) = (0f, 0f, 0f, 0f, float.NegativeInfinity);
        }
    }

    /// <summary>The scaled query's logits against the register of keys from j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Logits<T>(T q0, T q1, float* k0, float* k1, float* bias, int j) where T : struct, IFloatLanes<T> =>
        T.FusedMultiplyAdd(q0, T.Load(k0 + j), T.FusedMultiplyAdd(q1, T.Load(k1 + j), T.Load(bias + j)));

    /// <summary>
    /// A register of queries at a time against one key at a time: every lane keeps its own maximum, sum and weighted
    /// values, so no register is reduced across its lanes (a register of keys per query would need four such
    /// reductions per query).
    /// </summary>
    private static void ForwardHead<T>(Shape shape, float* qkv, float* zeroKeyValue, float* output, float* logSumExp, long sample, long head)
        where T : struct, IFloatLanes<T>
    {
        int padded = shape.Padded, keys = (int)shape.Keys, tokens = (int)shape.Tokens;
        int queries = (tokens + T.Count - 1) / T.Count * T.Count;
        float* scratch = stackalloc float[KeyVectors * padded + 2 * queries + 4 * T.Count];
        GatherKeys(scratch, padded, shape, qkv, zeroKeyValue, sample, head);
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        float* scaled0 = bias + padded, scaled1 = scaled0 + queries;
        float* tops = scaled1 + queries, totals = tops + T.Count, outputs0 = totals + T.Count, outputs1 = outputs0 + T.Count;
        new Span<float>(scaled0, 2 * queries).Clear();
        for (int i = 0; i < tokens; i++)
        {
            float* query = qkv + shape.Row(sample, i) + head * HeadWidth;
            (scaled0[i], scaled1[i]) = (query[0] * Scale, query[1] * Scale);
        }
        for (int first = 0; first < tokens; first += T.Count)
        {
            var q0 = T.Load(scaled0 + first);
            var q1 = T.Load(scaled1 + first);
            var max = T.Create(float.NegativeInfinity);
            for (int j = 0; j < keys; j++)
                max = T.Max(max, Logit(q0, q1, k0, k1, bias, j));
            T sum = default, o0 = default, o1 = default;
            for (int j = 0; j < keys; j++)
            {
                var weight = FloatLanes.Exp(Logit(q0, q1, k0, k1, bias, j) - max);
                sum += weight;
                o0 = T.FusedMultiplyAdd(weight, T.Create(v0[j]), o0);
                o1 = T.FusedMultiplyAdd(weight, T.Create(v1[j]), o1);
            }
            max.Store(tops);
            sum.Store(totals);
            o0.Store(outputs0);
            o1.Store(outputs1);
            for (int lane = 0; lane < T.Count && first + lane < tokens; lane++)
            {
                long i = first + lane;
                float* result = output + (sample * shape.Tokens + i) * shape.Width + head * HeadWidth;
                result[0] = outputs0[lane] / totals[lane];
                result[1] = outputs1[lane] / totals[lane];
                if (logSumExp is not null) logSumExp[(sample * shape.Heads + head) * shape.Tokens + i] = tops[lane] + MathF.Log(totals[lane]);
            }
        }
    }

    /// <summary>A register of scaled queries' logits against key j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Logit<T>(T q0, T q1, float* k0, float* k1, float* bias, int j) where T : struct, IFloatLanes<T> =>
        T.FusedMultiplyAdd(q0, T.Create(k0[j]), T.FusedMultiplyAdd(q1, T.Create(k1[j]), T.Create(bias[j])));

    /// <summary>
    /// With <c>p = softmax(s)</c> recomputed from the log-sum-exp and <c>D = dO·O</c>: <c>dV += p dO</c>,
    /// <c>ds = p (dO·v − D)</c>, <c>dq = scale Σ ds k</c>, <c>dk += scale ds q</c>.
    /// </summary>
    private static void BackwardHead<T>(Shape shape, BackwardPointers at, long sample, long head) where T : struct, IFloatLanes<T>
    {
        float* qkv = (float*)at.Qkv, output = (float*)at.Output, logSumExp = (float*)at.LogSumExp;
        float* outputGradient = (float*)at.OutputGradient, gradient = (float*)at.QkvGradient;
        int padded = shape.Padded;
        float* scratch = stackalloc float[(KeyVectors + 4) * padded];
        GatherKeys(scratch, padded, shape, qkv, (float*)at.ZeroKeyValue, sample, head);
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        float* dk0 = scratch + KeyVectors * padded, dk1 = dk0 + padded, dv0 = dk1 + padded, dv1 = dv0 + padded;
        new Span<float>(dk0, 4 * padded).Clear();
        for (long i = 0; i < shape.Tokens; i++)
        {
            long outputAt = (sample * shape.Tokens + i) * shape.Width + head * HeadWidth;
            float* query = qkv + shape.Row(sample, i) + head * HeadWidth;
            var q0 = T.Create(query[0] * Scale);
            var q1 = T.Create(query[1] * Scale);
            float g0 = outputGradient[outputAt], g1 = outputGradient[outputAt + 1];
            var d0 = T.Create(g0);
            var d1 = T.Create(g1);
            var delta = T.Create(g0 * output[outputAt] + g1 * output[outputAt + 1]);
            var lse = T.Create(logSumExp[(sample * shape.Heads + head) * shape.Tokens + i]);
            T dq0 = default, dq1 = default;
            for (int j = 0; j < padded; j += T.Count)
            {
                var weight = FloatLanes.Exp(Logits(q0, q1, k0, k1, bias, j) - lse);
                T.FusedMultiplyAdd(weight, d0, T.Load(dv0 + j)).Store(dv0 + j);
                T.FusedMultiplyAdd(weight, d1, T.Load(dv1 + j)).Store(dv1 + j);
                var weightGradient = T.FusedMultiplyAdd(d0, T.Load(v0 + j), d1 * T.Load(v1 + j));
                var logitGradient = weight * (weightGradient - delta);
                dq0 = T.FusedMultiplyAdd(logitGradient, T.Load(k0 + j), dq0);
                dq1 = T.FusedMultiplyAdd(logitGradient, T.Load(k1 + j), dq1);
                T.FusedMultiplyAdd(logitGradient, q0, T.Load(dk0 + j)).Store(dk0 + j);
                T.FusedMultiplyAdd(logitGradient, q1, T.Load(dk1 + j)).Store(dk1 + j);
            }
            float* queryGradient = gradient + shape.Row(sample, i) + head * HeadWidth;
            queryGradient[0] = Scale * dq0.Sum();
            queryGradient[1] = Scale * dq1.Sum();
        }
        long width = shape.Width;
        for (int j = 0; j < shape.Tokens; j++)
        {
            float* row = gradient + shape.Row(sample, j) + head * HeadWidth;
            (row[width], row[width + 1], row[2 * width], row[2 * width + 1]) = (dk0[j], dk1[j], dv0[j], dv1[j]);
        }
        if (shape.ZeroTokens > 0)
        {
            int j = (int)shape.Tokens;
            float* key = (float*)at.ZeroKeyValueGradient + sample * 2 * width + head * HeadWidth;
            (key[0], key[1], key[width], key[width + 1]) = (dk0[j], dk1[j], dv0[j], dv1[j]);
        }
    }

    private static Span<float> Floats(Tensor tensor) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>The autograd node: saves the inputs, the output and each query's log-sum-exp.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(TwoWideHeadAttention);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (qkv, zeroKeyValue, shape) = (((Tensor)vars[0]).contiguous(), ((Tensor?)vars[1])?.contiguous(), (Shape)vars[2]);
            var logSumExp = empty(shape.Batch, shape.Heads, shape.Tokens, dtype: qkv.dtype);
            var output = Forward(qkv, zeroKeyValue, shape, logSumExp);
            // The output is saved detached: saved as it is, it would hold this node through its own history.
            ctx.save_for_backward([qkv, output.detach(), logSumExp, .. zeroKeyValue is null ? Array.Empty<Tensor>() : [zeroKeyValue]]);
            ctx.save_data(nameof(shape), shape);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            var zeroKeyValue = saved.Count > 3 ? saved[3] : null;
            var (gradient, zeroGradient) = Backward(
                saved[0], zeroKeyValue, saved[1], saved[2], grad_output.contiguous(), (Shape)ctx.get_data("shape"));
            return [gradient, zeroGradient!, null!];
        }
    }
}
