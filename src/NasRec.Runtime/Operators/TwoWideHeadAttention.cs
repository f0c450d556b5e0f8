using System.Runtime.CompilerServices;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// Softmax attention of heads two units wide on the CPU, forward and backward written for what they are: per (sample,
/// head) the S keys and values sit in four short vectors, and the logits, softmax and weighted sums run in registers
/// (16 floats with AVX-512, <see cref="IFloatLanes{TSelf}"/>): forward, a register of queries against one key at a
/// time; backward, two queries at a time against a register of keys. The pairs are split over libtorch's own threads
/// (<see cref="LibTorchThreads"/>). libtorch's fused kernel treats the heads as S×2 by 2×S matrix products, whose
/// blocking costs more than the arithmetic at width 2: batch 256, 64 tokens, 2 threads, forward and backward 2.8 and
/// 4.4 ms here two versions ago against 11.4 and 12.4 for the first version of this kernel, which already beat the
/// fused kernel; the base-2 shifted softmax below and the paired backward then took about 30 % off each (docs/benchmarks.md).
/// The logits are taken in base 2 (the scale folded into the queries) and shifted, instead of by their maximum, by a
/// bound on it from the keys' extents, rounded to an integer so that the shift costs no precision
/// (<see cref="FloatLanes.Exp2"/>): one pass over the keys gives each query's weights. The backward recomputes
/// the weights from the saved shift and total as flash attention does, so the S×S weights are never stored. Same
/// function as <c>scaled_dot_product_attention</c> (scale 1/√2, no mask) to float rounding.
/// A sequence may go on with zero tokens whose outputs are not wanted (the supernet's masked tokens): they all have the
/// same key and value, so they enter as one more key whose logit is raised by <c>ln(count)</c> (in base 2, log2).
/// </summary>
internal static unsafe class TwoWideHeadAttention
{
    public const long HeadWidth = 2;

    /// <summary>Longest sequence the kernel keeps on the stack (its scratch is a few vectors of this length).</summary>
    public const long MaxTokens = 1024;

    private static readonly float Scale = 1f / MathF.Sqrt(HeadWidth);

    /// <summary>The scale in base 2: the queries times it give the logits over ln 2, whose 2^x is the logits' e^x.</summary>
    private static readonly float Base2Scale = (float)(1 / Math.Sqrt(HeadWidth) / Math.Log(2));

    private static readonly float Ln2 = MathF.Log(2);

    /// <summary>
    /// The smallest total of a register's shifted weights taken as it is: 2^−90. Its largest weight is then at least
    /// 2^−100 (a head has at most <see cref="MaxTokens"/> keys), so every weight within 2^−24 of it is a normal float.
    /// Below it the bound was loose, and the register is shifted again by the logits' own maximum.
    /// </summary>
    private const float SmallestTrustedTotal = 8.07793567e-28f;

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
            ? AutogradBridge.Apply(Function.apply, qkv, counted!, shape)
            : Forward(qkv.contiguous(), counted?.contiguous(), shape, statistics: null);
    }

    /// <summary>The heads' outputs and, when <paramref name="statistics"/> is given, each query's softmax shift and reciprocal total (<c>[B, H, S, 2]</c>).</summary>
    private static Tensor Forward(Tensor qkv, Tensor? zeroKeyValue, Shape shape, Tensor? statistics)
    {
        var output = empty(shape.Batch, shape.Tokens, shape.Width, dtype: qkv.dtype);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue),
               target = Floats(output), stats = statistics is null ? default : Floats(statistics))
        {
            var (q, z, o, l) = ((nint)source, (nint)zero, (nint)target, (nint)stats);
            ForEachHead(shape, shape.Lanes switch
            {
                16 => (sample, head) => ForwardHead<Lanes512>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
                8 => (sample, head) => ForwardHead<Lanes256>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
                _ => (sample, head) => ForwardHead<Lanes128>(shape, (float*)q, (float*)z, (float*)o, (float*)l, sample, head),
            });
        }
        NativeData.KeepAlive(qkv, zeroKeyValue, statistics);
        return output;
    }

    /// <summary>The gradients of the packed projection and, with zero tokens, of their key and value (<c>[2E]</c>, summed over the batch).</summary>
    private static (Tensor Qkv, Tensor? ZeroKeyValue) Backward(
        Tensor qkv, Tensor? zeroKeyValue, Tensor output, Tensor statistics, Tensor outputGradient, Shape shape)
    {
        var gradient = empty_like(qkv);
        // Per sample: the zero key's then the zero value's units, as zeroKeyValue lays them out.
        var zeroGradient = zeroKeyValue is null ? null : empty(shape.Batch, 2 * shape.Width, dtype: qkv.dtype);
        fixed (float* source = Floats(qkv), zero = zeroKeyValue is null ? default : Floats(zeroKeyValue), result = Floats(output),
               stats = Floats(statistics), dOut = Floats(outputGradient), dSource = Floats(gradient), dZero = zeroGradient is null ? default : Floats(zeroGradient))
        {
            var pointers = new BackwardPointers((nint)source, (nint)zero, (nint)result, (nint)stats, (nint)dOut, (nint)dSource, (nint)dZero);
            ForEachHead(shape, shape.Lanes switch
            {
                16 => (sample, head) => BackwardHead<Lanes512>(shape, pointers, sample, head),
                8 => (sample, head) => BackwardHead<Lanes256>(shape, pointers, sample, head),
                _ => (sample, head) => BackwardHead<Lanes128>(shape, pointers, sample, head),
            });
        }
        NativeData.KeepAlive(qkv, zeroKeyValue, output, statistics, outputGradient);
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

        /// <summary>Where a head's two output units of a token start in <c>[B, S, E]</c>.</summary>
        public long OutputAt(long sample, long head, long token) => (sample * Tokens + token) * Width + head * HeadWidth;

        /// <summary>Where a head's query's shift and reciprocal total lie in <c>[B, H, S, 2]</c>.</summary>
        public long StatisticsAt(long sample, long head, long token) => ((sample * Heads + head) * Tokens + token) * 2;
    }

    private readonly record struct BackwardPointers(
        nint Qkv, nint ZeroKeyValue, nint Output, nint Statistics, nint OutputGradient, nint QkvGradient, nint ZeroKeyValueGradient);

    /// <summary>
    /// One query's terms in the backward, each in every lane: its base-2 units, its shift, and dO and D = dO·O over its
    /// total. All zeros, a query that contributes nothing.
    /// </summary>
    private readonly record struct QueryTerms<T>(T Q0, T Q1, T Shift, T D0, T D1, T Delta) where T : struct, IFloatLanes<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static QueryTerms<T> Of(Shape shape, BackwardPointers at, long sample, long head, long token)
        {
            float* query = (float*)at.Qkv + shape.Row(sample, token) + head * HeadWidth;
            float* saved = (float*)at.Statistics + shape.StatisticsAt(sample, head, token);
            long outputAt = shape.OutputAt(sample, head, token);
            float* output = (float*)at.Output + outputAt, outputGradient = (float*)at.OutputGradient + outputAt;
            float g0 = outputGradient[0] * saved[1], g1 = outputGradient[1] * saved[1];
            return new(T.Create(query[0] * Base2Scale), T.Create(query[1] * Base2Scale), T.Create(saved[0]),
                T.Create(g0), T.Create(g1), T.Create(g0 * output[0] + g1 * output[1]));
        }
    }

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
    /// one after the other from <paramref name="scratch"/> (<c>k0, k1, v0, v1, bias</c>), with a base-2 logit bias per
    /// key: −∞ on the padding (no weight), whose values are zero and whose keys repeat the first key (so that whole
    /// registers hold the keys' extents), and <c>log2(count)</c> on the zero tokens' key.
    /// </summary>
    private static void GatherKeys(float* scratch, int padded, Shape shape, float* qkv, float* zeroKeyValue, long sample, long head)
    {
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        long width = shape.Width;
        int tokens = (int)shape.Tokens, keys = (int)shape.Keys;
        float* row = qkv + shape.Row(sample, 0) + head * HeadWidth + width;
        for (int j = 0; j < tokens; j++, row += 3 * width)
            (k0[j], k1[j], v0[j], v1[j], bias[j]) = (row[0], row[1], row[width], row[width + 1], 0f);
        if (keys > tokens)
        {
            float* key = zeroKeyValue + head * HeadWidth;
            (k0[tokens], k1[tokens], v0[tokens], v1[tokens], bias[tokens]) = (key[0], key[1], key[width], key[width + 1], ZeroKeyBias(shape));
        }
        for (int j = keys; j < padded; j++)
            (k0[j], k1[j], v0[j], v1[j], bias[j]) = (k0[0], k1[0], 0f, 0f, float.NegativeInfinity);
    }

    /// <summary>The zero tokens' key's logit bias: their count's base-2 logarithm, so it weighs for all of them.</summary>
    private static float ZeroKeyBias(Shape shape) => MathF.Log2(shape.ZeroTokens);

    /// <summary>The smallest and largest of the keys' two units, and the largest logit bias.</summary>
    private readonly record struct KeyExtents(float Min0, float Max0, float Min1, float Max1, float MaxBias)
    {
        /// <summary>Over the padded registers of keys a register at a time, then across the lanes.</summary>
        public static KeyExtents Of<T>(float* k0, float* k1, Shape shape) where T : struct, IFloatLanes<T>
        {
            T min0 = T.Load(k0), max0 = min0, min1 = T.Load(k1), max1 = min1;
            for (int j = T.Count; j < shape.Padded; j += T.Count)
            {
                var (key0, key1) = (T.Load(k0 + j), T.Load(k1 + j));
                (min0, max0, min1, max1) = (T.Min(min0, key0), T.Max(max0, key0), T.Min(min1, key1), T.Max(max1, key1));
            }
            float* lanes = stackalloc float[4 * T.Count];
            min0.Store(lanes);
            max0.Store(lanes + T.Count);
            min1.Store(lanes + 2 * T.Count);
            max1.Store(lanes + 3 * T.Count);
            float low0 = lanes[0], high0 = lanes[T.Count], low1 = lanes[2 * T.Count], high1 = lanes[3 * T.Count];
            for (int lane = 1; lane < T.Count; lane++)
            {
                (low0, high0) = (float.MinNative(low0, lanes[lane]), float.MaxNative(high0, lanes[T.Count + lane]));
                (low1, high1) = (float.MinNative(low1, lanes[2 * T.Count + lane]), float.MaxNative(high1, lanes[3 * T.Count + lane]));
            }
            return new(low0, high0, low1, high1, shape.ZeroTokens > 0 ? ZeroKeyBias(shape) : 0f);
        }
    }

    /// <summary>
    /// Each query lane's shift: a bound on its logits from the keys' extents (each unit's product is largest at one end
    /// of its range), rounded to an integer. Shifting by it instead of the logits' maximum saves a pass over the keys;
    /// rounded down, it may lie half a unit below the maximum, which only scales the weights by at most √2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ShiftBound<T>(T q0, T q1, KeyExtents keys) where T : struct, IFloatLanes<T> =>
        T.Round(T.Max(q0 * T.Create(keys.Min0), q0 * T.Create(keys.Max0)) + T.Max(q1 * T.Create(keys.Min1), q1 * T.Create(keys.Max1))
        + T.Create(keys.MaxBias));

    /// <summary>A base-2 query's logits against a register of keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Logits<T>(QueryTerms<T> query, T key0, T key1, T keyBias) where T : struct, IFloatLanes<T> =>
        T.FusedMultiplyAdd(query.Q0, key0, T.FusedMultiplyAdd(query.Q1, key1, keyBias));

    /// <summary>
    /// A register of queries at a time against one key at a time: every lane keeps its own total and weighted values,
    /// so no register is reduced across its lanes (a register of keys per query would need three such reductions per
    /// query).
    /// </summary>
    private static void ForwardHead<T>(Shape shape, float* qkv, float* zeroKeyValue, float* output, float* statistics, long sample, long head)
        where T : struct, IFloatLanes<T>
    {
        int padded = shape.Padded, keys = (int)shape.Keys, tokens = (int)shape.Tokens;
        int queries = (tokens + T.Count - 1) / T.Count * T.Count;
        float* scratch = stackalloc float[KeyVectors * padded + 2 * queries + 4 * T.Count];
        GatherKeys(scratch, padded, shape, qkv, zeroKeyValue, sample, head);
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        var extents = KeyExtents.Of<T>(k0, k1, shape);
        float* scaled0 = bias + padded, scaled1 = scaled0 + queries;
        float* shifts = scaled1 + queries, reciprocals = shifts + T.Count, outputs0 = reciprocals + T.Count, outputs1 = outputs0 + T.Count;
        new Span<float>(scaled0, 2 * queries).Clear();
        for (int i = 0; i < tokens; i++)
        {
            float* query = qkv + shape.Row(sample, i) + head * HeadWidth;
            (scaled0[i], scaled1[i]) = (query[0] * Base2Scale, query[1] * Base2Scale);
        }
        for (int first = 0; first < tokens; first += T.Count)
        {
            var q0 = T.Load(scaled0 + first);
            var q1 = T.Load(scaled1 + first);
            var shift = ShiftBound(q0, q1, extents);
            var (total, o0, o1) = Attend(q0, q1, shift, k0, k1, v0, v1, bias, keys);
            if (T.AnyLessThan(total, T.Create(SmallestTrustedTotal)))
            {
                shift = T.Create(float.NegativeInfinity);
                for (int j = 0; j < keys; j++) shift = T.Max(shift, Logit(q0, q1, k0, k1, bias, j));
                shift = T.Round(shift);
                (total, o0, o1) = Attend(q0, q1, shift, k0, k1, v0, v1, bias, keys);
            }
            var reciprocal = T.Create(1f) / total;
            shift.Store(shifts);
            reciprocal.Store(reciprocals);
            (o0 * reciprocal).Store(outputs0);
            (o1 * reciprocal).Store(outputs1);
            for (int lane = 0; lane < T.Count && first + lane < tokens; lane++)
            {
                long i = first + lane;
                float* result = output + shape.OutputAt(sample, head, i);
                (result[0], result[1]) = (outputs0[lane], outputs1[lane]);
                if (statistics is null) continue;
                float* saved = statistics + shape.StatisticsAt(sample, head, i);
                (saved[0], saved[1]) = (shifts[lane], reciprocals[lane]);
            }
        }
    }

    /// <summary>A register of queries' total shifted weight and weighted values over the keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Total, T Output0, T Output1) Attend<T>(T q0, T q1, T shift, float* k0, float* k1, float* v0, float* v1, float* bias, int keys)
        where T : struct, IFloatLanes<T>
    {
        T total = default, o0 = default, o1 = default;
        for (int j = 0; j < keys; j++)
        {
            var weight = FloatLanes.Exp2(Logit(q0, q1, k0, k1, bias, j), shift);
            total += weight;
            o0 = T.FusedMultiplyAdd(weight, T.Create(v0[j]), o0);
            o1 = T.FusedMultiplyAdd(weight, T.Create(v1[j]), o1);
        }
        return (total, o0, o1);
    }

    /// <summary>A register of base-2 queries' logits against key j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Logit<T>(T q0, T q1, float* k0, float* k1, float* bias, int j) where T : struct, IFloatLanes<T> =>
        T.FusedMultiplyAdd(q0, T.Create(k0[j]), T.FusedMultiplyAdd(q1, T.Create(k1[j]), T.Create(bias[j])));

    /// <summary>
    /// With <c>p = 2^(s − shift) / total</c> recomputed from the saved statistics and <c>D = dO·O</c>:
    /// <c>dV += p dO</c>, <c>ds = p (dO·v − D)</c>, <c>dq = scale Σ ds k</c>, <c>dk += scale ds q</c>. Two queries at a
    /// time share each register of keys and values loaded and each update of their gradients, which halves the memory
    /// traffic per query; an odd last query goes with one that contributes nothing.
    /// </summary>
    private static void BackwardHead<T>(Shape shape, BackwardPointers at, long sample, long head) where T : struct, IFloatLanes<T>
    {
        float* gradient = (float*)at.QkvGradient;
        int padded = shape.Padded;
        float* scratch = stackalloc float[(KeyVectors + 4) * padded];
        GatherKeys(scratch, padded, shape, (float*)at.Qkv, (float*)at.ZeroKeyValue, sample, head);
        float* k0 = scratch, k1 = k0 + padded, v0 = k1 + padded, v1 = v0 + padded, bias = v1 + padded;
        float* dk0 = scratch + KeyVectors * padded, dk1 = dk0 + padded, dv0 = dk1 + padded, dv1 = dv0 + padded;
        new Span<float>(dk0, 4 * padded).Clear();
        for (long i = 0; i < shape.Tokens; i += 2)
        {
            var a = QueryTerms<T>.Of(shape, at, sample, head, i);
            var b = i + 1 < shape.Tokens ? QueryTerms<T>.Of(shape, at, sample, head, i + 1) : default;
            T dqa0 = default, dqa1 = default, dqb0 = default, dqb1 = default;
            for (int j = 0; j < padded; j += T.Count)
            {
                var (key0, key1, keyBias) = (T.Load(k0 + j), T.Load(k1 + j), T.Load(bias + j));
                var (value0, value1) = (T.Load(v0 + j), T.Load(v1 + j));
                var weightA = FloatLanes.Exp2(Logits(a, key0, key1, keyBias), a.Shift);
                var weightB = FloatLanes.Exp2(Logits(b, key0, key1, keyBias), b.Shift);
                T.FusedMultiplyAdd(weightA, a.D0, T.FusedMultiplyAdd(weightB, b.D0, T.Load(dv0 + j))).Store(dv0 + j);
                T.FusedMultiplyAdd(weightA, a.D1, T.FusedMultiplyAdd(weightB, b.D1, T.Load(dv1 + j))).Store(dv1 + j);
                var logitGradientA = weightA * (T.FusedMultiplyAdd(a.D0, value0, a.D1 * value1) - a.Delta);
                var logitGradientB = weightB * (T.FusedMultiplyAdd(b.D0, value0, b.D1 * value1) - b.Delta);
                dqa0 = T.FusedMultiplyAdd(logitGradientA, key0, dqa0);
                dqa1 = T.FusedMultiplyAdd(logitGradientA, key1, dqa1);
                dqb0 = T.FusedMultiplyAdd(logitGradientB, key0, dqb0);
                dqb1 = T.FusedMultiplyAdd(logitGradientB, key1, dqb1);
                T.FusedMultiplyAdd(logitGradientA, a.Q0, T.FusedMultiplyAdd(logitGradientB, b.Q0, T.Load(dk0 + j))).Store(dk0 + j);
                T.FusedMultiplyAdd(logitGradientA, a.Q1, T.FusedMultiplyAdd(logitGradientB, b.Q1, T.Load(dk1 + j))).Store(dk1 + j);
            }
            float* queryGradient = gradient + shape.Row(sample, i) + head * HeadWidth;
            (queryGradient[0], queryGradient[1]) = (Scale * dqa0.Sum(), Scale * dqa1.Sum());
            if (i + 1 == shape.Tokens) break;
            queryGradient = gradient + shape.Row(sample, i + 1) + head * HeadWidth;
            (queryGradient[0], queryGradient[1]) = (Scale * dqb0.Sum(), Scale * dqb1.Sum());
        }
        // The keys' gradients were summed against base-2 queries: ln 2 brings them back to the scale's.
        long width = shape.Width;
        float* row = gradient + shape.Row(sample, 0) + head * HeadWidth + width;
        for (int j = 0; j < shape.Tokens; j++, row += 3 * width)
            (row[0], row[1], row[width], row[width + 1]) = (Ln2 * dk0[j], Ln2 * dk1[j], dv0[j], dv1[j]);
        if (shape.ZeroTokens > 0)
        {
            int j = (int)shape.Tokens;
            float* key = (float*)at.ZeroKeyValueGradient + sample * 2 * width + head * HeadWidth;
            (key[0], key[1], key[width], key[width + 1]) = (Ln2 * dk0[j], Ln2 * dk1[j], dv0[j], dv1[j]);
        }
    }

    /// <summary>The tensor's elements; like <see cref="NativeData.Floats"/>, the span does not keep the tensor reachable.</summary>
    private static Span<float> Floats(Tensor tensor) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>The autograd node: saves the inputs, the output and each query's softmax shift and reciprocal total.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(TwoWideHeadAttention);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (qkv, zeroKeyValue, shape) = (((Tensor)vars[0]).contiguous(), ((Tensor?)vars[1])?.contiguous(), (Shape)vars[2]);
            var statistics = empty(shape.Batch, shape.Heads, shape.Tokens, 2, dtype: qkv.dtype);
            var output = Forward(qkv, zeroKeyValue, shape, statistics);
            // The output is saved detached: saved as it is, it would hold this node through its own history.
            ctx.save_for_backward([qkv, output.detach(), statistics, .. zeroKeyValue is null ? Array.Empty<Tensor>() : [zeroKeyValue]]);
            ctx.save_data(nameof(shape), shape);
            return AutogradBridge.HandOver(output);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => AutogradBridge.Backward(grad_output, incoming =>
        {
            var saved = ctx.get_saved_variables();
            var zeroKeyValue = saved.Count > 3 ? saved[3] : null;
            var (gradient, zeroGradient) = Backward(
                saved[0], zeroKeyValue, saved[1], saved[2], incoming.contiguous(), (Shape)ctx.get_data("shape"));
            return [gradient, zeroGradient, null];
        });
    }
}
