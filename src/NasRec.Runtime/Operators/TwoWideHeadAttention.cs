using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Softmax attention of heads two units wide on the CPU, forward and backward written for what they are: per (sample,
/// head) the S keys and values sit in four short vectors, and each query's logits, softmax and weighted sum run over
/// them eight keys at a time, in registers. libtorch's fused kernel treats the heads as S×2 by 2×S matrix products,
/// whose blocking costs more than the arithmetic at width 2 (measured on a loaded machine, batch 256, 64 tokens, one
/// thread, CPU time: forward about 1.3× and forward with backward about 1.3-2× less than the fused kernel's).
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
    /// null when there are none).
    /// </summary>
    public static Tensor Attend(Tensor qkv, long heads, Tensor? zeroKeyValue, long zeroTokens)
    {
        if (zeroTokens > 0 && zeroKeyValue is null) throw new ArgumentNullException(nameof(zeroKeyValue), "Zero tokens need their key and value.");
        var counted = zeroTokens > 0 ? zeroKeyValue : null;
        return is_grad_enabled() && (qkv.requires_grad || counted?.requires_grad == true)
            ? Function.apply(qkv, counted!, heads, zeroTokens)
            : Forward(qkv.contiguous(), counted?.contiguous(), heads, zeroTokens, logSumExp: null);
    }

    private static Tensor Forward(Tensor qkv, Tensor? zeroKeyValue, long heads, long zeroTokens, Tensor? logSumExp)
    {
        long batch = qkv.shape[0], tokens = qkv.shape[1];
        var output = empty(batch, tokens, heads * HeadWidth, dtype: qkv.dtype);
        var shape = new Shape(batch, tokens, heads, zeroTokens);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue),
               target = Floats(output), lse = logSumExp is null ? default : Floats(logSumExp))
        {
            var (q, z, o, l) = ((nint)source, (nint)zero, (nint)target, (nint)lse);
            ForEachHead(shape, (sample, head) => ForwardHead(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head));
        }
        return output;
    }

    /// <summary>The gradients of the packed projection and, with zero tokens, of their key and value (<c>[2E]</c>, summed over the batch).</summary>
    private static (Tensor Qkv, Tensor? ZeroKeyValue) Backward(
        Tensor qkv, Tensor? zeroKeyValue, Tensor output, Tensor logSumExp, Tensor outputGradient, long heads, long zeroTokens)
    {
        long batch = qkv.shape[0], tokens = qkv.shape[1];
        var gradient = empty_like(qkv);
        // Per sample: the zero key's then the zero value's units, as zeroKeyValue lays them out.
        var zeroGradient = zeroKeyValue is null ? null : empty(batch, 2 * heads * HeadWidth, dtype: qkv.dtype);
        var shape = new Shape(batch, tokens, heads, zeroTokens);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue), result = Floats(output),
               lse = Floats(logSumExp), dOut = Floats(outputGradient), dSource = Floats(gradient), dZero = zeroGradient is null ? default : Floats(zeroGradient))
        {
            var pointers = new BackwardPointers((nint)source, (nint)zero, (nint)result, (nint)lse, (nint)dOut, (nint)dSource, (nint)dZero);
            ForEachHead(shape, (sample, head) => BackwardHead(shape, pointers, sample, head));
        }
        return (gradient, zeroGradient?.sum(dim: 0));
    }

    private readonly record struct Shape(long Batch, long Tokens, long Heads, long ZeroTokens)
    {
        public long Width => Heads * HeadWidth;

        /// <summary>The keys: the tokens and, when there are zero tokens, the one key standing for them.</summary>
        public long Keys => ZeroTokens > 0 ? Tokens + 1 : Tokens;

        public int Padded => (int)((Keys + Vector256<float>.Count - 1) / Vector256<float>.Count * Vector256<float>.Count);
        public long Row(long sample, long token) => (sample * Tokens + token) * 3 * Width;
    }

    private readonly record struct BackwardPointers(
        nint Qkv, nint ZeroKeyValue, nint Output, nint LogSumExp, nint OutputGradient, nint QkvGradient, nint ZeroKeyValueGradient);

    /// <summary>Every (sample, head) pair once, in contiguous ranges over libtorch's thread count.</summary>
    private static void ForEachHead(Shape shape, Action<long, long> body)
    {
        long pairs = shape.Batch * shape.Heads;
        int workers = (int)Math.Clamp(get_num_threads(), 1, Math.Max(1, pairs));
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            for (long pair = pairs * worker / workers; pair < pairs * (worker + 1) / workers; pair++)
                body(pair / shape.Heads, pair % shape.Heads);
        });
    }

    /// <summary>
    /// One head's keys and values gathered into vectors padded to whole registers, with a logit bias per key: −∞ on
    /// the padding (no weight), whose values are zero, and <c>ln(count)</c> on the zero tokens' key.
    /// </summary>
    private readonly struct Keys
    {
        public readonly float* K0, K1, V0, V1, Bias;

        public Keys(float* scratch, Shape shape, float* qkv, float* zeroKeyValue, long sample, long head)
        {
            int padded = shape.Padded;
            K0 = scratch;
            K1 = K0 + padded;
            V0 = K1 + padded;
            V1 = V0 + padded;
            Bias = V1 + padded;
            long width = shape.Width;
            for (int j = 0; j < padded; j++)
            {
                if (j < shape.Tokens)
                {
                    float* row = qkv + shape.Row(sample, j) + head * HeadWidth;
                    (K0[j], K1[j], V0[j], V1[j], Bias[j]) = (row[width], row[width + 1], row[2 * width], row[2 * width + 1], 0f);
                }
                else if (j < shape.Keys)
                {
                    float* key = zeroKeyValue + head * HeadWidth;
                    (K0[j], K1[j], V0[j], V1[j], Bias[j]) = (key[0], key[1], key[width], key[width + 1], MathF.Log(shape.ZeroTokens));
                }
                else (K0[j], K1[j], V0[j], V1[j], Bias[j]) = (0f, 0f, 0f, 0f, float.NegativeInfinity);
            }
        }

        public const int Vectors = 5;

        /// <summary>The scaled query's logits against keys j to j + 7.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Logits(Vector256<float> q0, Vector256<float> q1, int j) =>
            q0 * Vector256.Load(K0 + j) + q1 * Vector256.Load(K1 + j) + Vector256.Load(Bias + j);
    }

    private static void ForwardHead(Shape shape, float* qkv, float* zeroKeyValue, float* output, float* logSumExp, long sample, long head)
    {
        int padded = shape.Padded;
        float* scratch = stackalloc float[Keys.Vectors * padded];
        var keys = new Keys(scratch, shape, qkv, zeroKeyValue, sample, head);
        for (long i = 0; i < shape.Tokens; i++)
        {
            float* query = qkv + shape.Row(sample, i) + head * HeadWidth;
            var q0 = Vector256.Create(query[0] * Scale);
            var q1 = Vector256.Create(query[1] * Scale);
            var max = Vector256.Create(float.NegativeInfinity);
            for (int j = 0; j < padded; j += Vector256<float>.Count)
                max = Vector256.Max(max, keys.Logits(q0, q1, j));
            var top = Vector256.Create(HorizontalMax(max));
            Vector256<float> sum = default, o0 = default, o1 = default;
            for (int j = 0; j < padded; j += Vector256<float>.Count)
            {
                var weight = Exp(keys.Logits(q0, q1, j) - top);
                sum += weight;
                o0 += weight * Vector256.Load(keys.V0 + j);
                o1 += weight * Vector256.Load(keys.V1 + j);
            }
            float total = Vector256.Sum(sum);
            float* result = output + (sample * shape.Tokens + i) * shape.Width + head * HeadWidth;
            result[0] = Vector256.Sum(o0) / total;
            result[1] = Vector256.Sum(o1) / total;
            if (logSumExp is not null) logSumExp[(sample * shape.Heads + head) * shape.Tokens + i] = top[0] + MathF.Log(total);
        }
    }

    /// <summary>
    /// With <c>p = softmax(s)</c> recomputed from the log-sum-exp and <c>D = dO·O</c>: <c>dV += p dO</c>,
    /// <c>ds = p (dO·v − D)</c>, <c>dq = scale Σ ds k</c>, <c>dk += scale ds q</c>.
    /// </summary>
    private static void BackwardHead(Shape shape, BackwardPointers at, long sample, long head)
    {
        float* qkv = (float*)at.Qkv, output = (float*)at.Output, logSumExp = (float*)at.LogSumExp;
        float* outputGradient = (float*)at.OutputGradient, gradient = (float*)at.QkvGradient;
        int padded = shape.Padded;
        float* scratch = stackalloc float[(Keys.Vectors + 4) * padded];
        var keys = new Keys(scratch, shape, qkv, (float*)at.ZeroKeyValue, sample, head);
        float* dk0 = scratch + Keys.Vectors * padded, dk1 = dk0 + padded, dv0 = dk1 + padded, dv1 = dv0 + padded;
        new Span<float>(dk0, 4 * padded).Clear();
        for (long i = 0; i < shape.Tokens; i++)
        {
            long outputAt = (sample * shape.Tokens + i) * shape.Width + head * HeadWidth;
            float* query = qkv + shape.Row(sample, i) + head * HeadWidth;
            var q0 = Vector256.Create(query[0] * Scale);
            var q1 = Vector256.Create(query[1] * Scale);
            float g0 = outputGradient[outputAt], g1 = outputGradient[outputAt + 1];
            var d0 = Vector256.Create(g0);
            var d1 = Vector256.Create(g1);
            var delta = Vector256.Create(g0 * output[outputAt] + g1 * output[outputAt + 1]);
            var lse = Vector256.Create(logSumExp[(sample * shape.Heads + head) * shape.Tokens + i]);
            Vector256<float> dq0 = default, dq1 = default;
            for (int j = 0; j < padded; j += Vector256<float>.Count)
            {
                var weight = Exp(keys.Logits(q0, q1, j) - lse);
                (Vector256.Load(dv0 + j) + weight * d0).Store(dv0 + j);
                (Vector256.Load(dv1 + j) + weight * d1).Store(dv1 + j);
                var weightGradient = d0 * Vector256.Load(keys.V0 + j) + d1 * Vector256.Load(keys.V1 + j);
                var logitGradient = weight * (weightGradient - delta);
                dq0 += logitGradient * Vector256.Load(keys.K0 + j);
                dq1 += logitGradient * Vector256.Load(keys.K1 + j);
                (Vector256.Load(dk0 + j) + logitGradient * q0).Store(dk0 + j);
                (Vector256.Load(dk1 + j) + logitGradient * q1).Store(dk1 + j);
            }
            float* queryGradient = gradient + shape.Row(sample, i) + head * HeadWidth;
            queryGradient[0] = Scale * Vector256.Sum(dq0);
            queryGradient[1] = Scale * Vector256.Sum(dq1);
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

    /// <summary>
    /// <c>e^x</c> in single precision (Cephes' <c>expf</c>: 2^n times a degree-7 polynomial of the remainder, about
    /// one unit in the last place), zero below the smallest normal result, so that a −∞ logit weighs nothing. The
    /// runtime's own vector <c>Exp</c> widens to double precision and costs several times more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(-87.33654f));
        x = Vector256.Min(x, Vector256.Create(88.37626f));
        var n = Vector256.Floor(x * Vector256.Create(1.44269504f) + Vector256.Create(0.5f));
        var r = x - n * Vector256.Create(0.693359375f) + n * Vector256.Create(2.12194440e-4f);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var power = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.AndNot(y * power, underflow.AsSingle());
    }

    private static float HorizontalMax(Vector256<float> values)
    {
        var half = Vector128.Max(values.GetLower(), values.GetUpper());
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
        return MathF.Max(half[0], half[1]);
    }

    private static Span<float> Floats(Tensor tensor) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>The autograd node: saves the inputs, the output and each query's log-sum-exp.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(TwoWideHeadAttention);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (qkv, zeroKeyValue, heads, zeroTokens) = (((Tensor)vars[0]).contiguous(), ((Tensor?)vars[1])?.contiguous(), (long)vars[2], (long)vars[3]);
            var logSumExp = empty(qkv.shape[0], heads, qkv.shape[1], dtype: qkv.dtype);
            var output = Forward(qkv, zeroKeyValue, heads, zeroTokens, logSumExp);
            // The output is saved detached: saved as it is, it would hold this node through its own history.
            ctx.save_for_backward([qkv, output.detach(), logSumExp, .. zeroKeyValue is null ? Array.Empty<Tensor>() : [zeroKeyValue]]);
            ctx.save_data(nameof(heads), heads);
            ctx.save_data(nameof(zeroTokens), zeroTokens);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            var zeroKeyValue = saved.Count > 3 ? saved[3] : null;
            var (gradient, zeroGradient) = Backward(
                saved[0], zeroKeyValue, saved[1], saved[2], grad_output.contiguous(), (long)ctx.get_data("heads"), (long)ctx.get_data("zeroTokens"));
            return [gradient, zeroGradient!, null!, null!];
        }
    }
}
