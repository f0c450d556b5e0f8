using System.Runtime.Intrinsics;
using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// The post-norm encoder layer after its attention, over tokens 16 units wide, in one pass on the CPU: from the
/// residual sum <c>s</c> (attention plus tokens), <c>u = norm1(s)</c>, <c>v = norm2(u + W2·relu(W1·u + b1) + b2)</c>.
/// libtorch spends more on dispatch and blocking than on the arithmetic at this width: its layer norm over 16-unit
/// rows alone takes about 34 ns a row (batch 256 × 64 tokens: 0.56 ms on one thread), and each linear's backward is
/// three GEMM-sized calls. Here tokens are taken sixteen at a time and transposed (AVX-512), so that a register holds
/// one unit of 16 tokens: the norms' means are sums of registers, a product is 256 fused multiply-adds with the
/// weights broadcast from L1, and nothing is reduced across lanes. The backward recomputes each block's forward from
/// <c>s</c>: saving the activations instead (about 260 bytes a token) made the forward a third slower, bound by the
/// memory it writes, for no gain in the backward. The parameters' gradients are summed per thread. Same function as
/// the libtorch composition to float rounding.
/// </summary>
internal static unsafe class SixteenWideEncoderTail
{
    /// <summary>Units of a token, and tokens of a block: a block is 16×16 floats, a token's units or a unit's tokens per register.</summary>
    public const int Width = SixteenWideOuterProducts.Width;

    private const int BlockSize = SixteenBySixteen.BlockSize;

    /// <summary>Whether the fused pass serves residual sums of this shape, type and device on this CPU.</summary>
    public static bool Serves(Tensor residual) =>
        SixteenBySixteen.Runs(residual) && residual.shape[^1] == Width;

    /// <summary><c>norm2(u + FFN(u))</c> with <c>u = norm1(residual)</c>, for <c>[..., 16]</c> residual sums.</summary>
    public static Tensor Apply(Tensor residual, LayerNorm norm1, Linear feedForward1, Linear feedForward2, LayerNorm norm2)
    {
        Tensor[] parameters =
        [
            norm1.weight!, norm1.bias!, feedForward1.weight!, feedForward1.bias!,
            feedForward2.weight!, feedForward2.bias!, norm2.weight!, norm2.bias!,
        ];
        if (is_grad_enabled() && (residual.requires_grad || parameters.Any(p => p.requires_grad)))
            return AutogradBridge.Apply(Function.apply, [residual, .. parameters]);
        using var packed = Pack(parameters);
        return Forward(residual.contiguous(), packed);
    }

    /// <summary>Every parameter as the kernel reads it (<see cref="Parameters"/>), from <see cref="Apply"/>'s order.</summary>
    private static Tensor Pack(IReadOnlyList<Tensor> p)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return cat([p[0], p[1], p[3], p[5], p[6], p[7],
                    p[2].flatten(), p[4].flatten(), p[2].t().flatten(), p[4].t().flatten()]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The packed parameters: six vectors (norm1's gain and bias, b1, b2, norm2's gain and bias), then W1 and W2 for
    /// the forward's products and W1ᵀ and W2ᵀ for the backward's, each 16×16 row-major.
    /// </summary>
    private readonly struct Parameters(float* packed)
    {
        public const int Vectors = 6;

        public float* Gain1 => packed;
        public float* Bias1 => packed + Width;
        public float* FeedForwardBias1 => packed + 2 * Width;
        public float* FeedForwardBias2 => packed + 3 * Width;
        public float* Gain2 => packed + 4 * Width;
        public float* Bias2 => packed + 5 * Width;
        public float* Weight1 => packed + Vectors * Width;
        public float* Weight2 => Weight1 + BlockSize;
        public float* Transposed1 => Weight2 + BlockSize;
        public float* Transposed2 => Transposed1 + BlockSize;
    }

    /// <summary>
    /// A thread's share of the parameters' gradients: dW1 and dW2 ([out, in]), then the six vectors' in
    /// <see cref="Parameters"/>' order, each as 16 registers of per-lane (per-token-slot) partial sums.
    /// </summary>
    private readonly struct Totals(float* totals)
    {
        public const int Size = 2 * BlockSize + Parameters.Vectors * BlockSize;

        public float* Weight1 => totals;
        public float* Weight2 => totals + BlockSize;
        public float* Gain1 => totals + 2 * BlockSize;
        public float* Bias1 => Gain1 + BlockSize;
        public float* FeedForwardBias1 => Bias1 + BlockSize;
        public float* FeedForwardBias2 => FeedForwardBias1 + BlockSize;
        public float* Gain2 => FeedForwardBias2 + BlockSize;
        public float* Bias2 => Gain2 + BlockSize;
    }

    /// <summary>
    /// One block's forward as the backward reads it, transposed: each norm's output and 1/√(var + ε) per token, and
    /// the feed-forward's input and pre-activation.
    /// </summary>
    private readonly struct Activations(float* at)
    {
        public const int Size = 4 * BlockSize + 2 * Width;

        public float* Normalized1 => at;
        public float* Hidden => at + BlockSize;
        public float* PreActivation => at + 2 * BlockSize;
        public float* Normalized2 => at + 3 * BlockSize;
        public float* InverseDeviation1 => at + 4 * BlockSize;
        public float* InverseDeviation2 => InverseDeviation1 + Width;

        /// <summary>
        /// From the block's rows of residual sums (zeros past <paramref name="count"/>), with two blocks of
        /// <paramref name="work"/> space, the first of which ends holding the block's output.
        /// </summary>
        public void Compute(float* rows, int count, Parameters p, float* work)
        {
            float* input = work, activation = work + BlockSize;
            SixteenBySixteen.TransposeIn(rows, count, input);
            Normalize(input, Normalized1, p.Gain1, p.Bias1, Hidden).Store(InverseDeviation1);
            Product(p.Weight1, Hidden, p.FeedForwardBias1, addend: null, PreActivation);
            Relu(PreActivation, activation);
            // The second residual sum, over the input's block, then normalized in place.
            Product(p.Weight2, activation, p.FeedForwardBias2, addend: Hidden, input);
            Normalize(input, Normalized2, p.Gain2, p.Bias2, input).Store(InverseDeviation2);
        }
    }

    private static Tensor Forward(Tensor residual, Tensor packed)
    {
        var output = empty_like(residual);
        long rows = residual.numel() / Width;
        var (source, target, p) = ((nint)NativeData.Floats(residual), (nint)NativeData.Floats(output), (nint)NativeData.Floats(packed));
        LibTorchThreads.For(Blocks(rows), (first, last) =>
        {
            var scratch = stackalloc float[Activations.Size + 2 * BlockSize];
            var activations = new Activations(scratch);
            float* work = scratch + Activations.Size;
            var parameters = new Parameters((float*)p);
            for (long block = first; block < last; block++)
            {
                int count = (int)Math.Min(Width, rows - block * Width);
                activations.Compute((float*)source + block * BlockSize, count, parameters, work);
                SixteenBySixteen.TransposeOut(work, count, (float*)target + block * BlockSize);
            }
        });
        NativeData.KeepAlive(residual, packed);
        return output;
    }

    /// <summary>The residual's gradient, and the parameters' in <see cref="Apply"/>'s order.</summary>
    private static Tensor[] Backward(Tensor residual, Tensor packed, Tensor outputGradient)
    {
        var residualGradient = empty_like(outputGradient);
        long rows = outputGradient.numel() / Width, blocks = Blocks(rows);
        int chunks = (int)Math.Clamp(get_num_threads(), 1, Math.Max(blocks, 1));
        var totals = zeros(chunks, Totals.Size);
        var (source, dOut, dSource, p, t) = ((nint)NativeData.Floats(residual), (nint)NativeData.Floats(outputGradient),
            (nint)NativeData.Floats(residualGradient), (nint)NativeData.Floats(packed), (nint)NativeData.Floats(totals));
        LibTorchThreads.For(chunks, (first, last) =>
        {
            // The block's activations, then seven blocks for its backward, whose first two serve its forward first.
            var scratch = stackalloc float[Activations.Size + 7 * BlockSize];
            var forward = new Activations(scratch);
            for (long chunk = first; chunk < last; chunk++)
            {
                var parameters = new Parameters((float*)p);
                var sums = new Totals((float*)t + chunk * Totals.Size);
                for (long block = blocks * chunk / chunks; block < blocks * (chunk + 1) / chunks; block++)
                {
                    long at = block * BlockSize;
                    int count = (int)Math.Min(Width, rows - block * Width);
                    forward.Compute((float*)source + at, count, parameters, scratch + Activations.Size);
                    BackwardBlock(forward, (float*)dOut + at, (float*)dSource + at, count, parameters, sums, scratch + Activations.Size);
                }
            }
        });
        NativeData.KeepAlive(residual, packed, outputGradient);
        var total = totals.sum(dim: 0);
        var vectors = total.narrow(0, 2 * BlockSize, Parameters.Vectors * BlockSize).view(Parameters.Vectors, Width, Width).sum(dim: -1);
        var (dWeight1, dWeight2) = (total.narrow(0, 0, BlockSize).view(Width, Width), total.narrow(0, BlockSize, BlockSize).view(Width, Width));
        return [residualGradient, vectors[0], vectors[1], dWeight1, vectors[2], dWeight2, vectors[3], vectors[4], vectors[5]];
    }

    private static void BackwardBlock(Activations forward, float* dOut, float* dRows, int count, Parameters p, Totals sums, float* scratch)
    {
        float* dOutput = scratch, dSum2 = dOutput + BlockSize, dActivation = dSum2 + BlockSize, dHidden = dActivation + BlockSize,
               dInput = dHidden + BlockSize, hiddenRows = dInput + BlockSize, activationRows = hiddenRows + BlockSize;
        SixteenBySixteen.TransposeIn(dOut, count, dOutput);
        NormalizeBackward(dOutput, forward.Normalized2, Vector512.Load(forward.InverseDeviation2), p.Gain2, sums.Gain2, sums.Bias2, dSum2, sums.FeedForwardBias2);
        Product(p.Transposed2, dSum2, bias: null, addend: null, dActivation);
        // The pre-activation's gradient: the activation's where it was positive (in place).
        for (int k = 0; k < Width; k++)
        {
            var positive = Vector512.GreaterThan(Vector512.Load(forward.PreActivation + k * Width), Vector512<float>.Zero);
            var dPreActivation = Vector512.ConditionalSelect(positive, Vector512.Load(dActivation + k * Width), Vector512<float>.Zero);
            dPreActivation.Store(dActivation + k * Width);
            (Vector512.Load(sums.FeedForwardBias1 + k * Width) + dPreActivation).Store(sums.FeedForwardBias1 + k * Width);
        }
        Product(p.Transposed1, dActivation, bias: null, addend: dSum2, dHidden);
        NormalizeBackward(dHidden, forward.Normalized1, Vector512.Load(forward.InverseDeviation1), p.Gain1, sums.Gain1, sums.Bias1, dInput, inputSum: null);
        SixteenBySixteen.TransposeOut(dInput, count, dRows);
        // dW1 = Σ dz ⊗ u and dW2 = Σ d(sum2) ⊗ relu(z), over the block's tokens as rows.
        SixteenBySixteen.TransposeOut(forward.Hidden, Width, hiddenRows);
        Relu(forward.PreActivation, dInput);
        SixteenBySixteen.TransposeOut(dInput, Width, activationRows);
        SixteenWideOuterProducts.Add(dActivation, rowStride: 1, unitStride: Width, hiddenRows, Width, Width, sums.Weight1);
        SixteenWideOuterProducts.Add(dSum2, rowStride: 1, unitStride: Width, activationRows, Width, Width, sums.Weight2);
    }

    private static long Blocks(long rows) => (rows + Width - 1) / Width;

    /// <summary>
    /// normalized[k] = (x[k] − mean)/√(var + ε) over the 16 units of each token (lane), and target[k] =
    /// normalized[k]·gain[k] + bias[k] (target may be x); returns 1/√(var + ε).
    /// </summary>
    private static Vector512<float> Normalize(float* x, float* normalized, float* gain, float* bias, float* target)
    {
        var mean = Sum(x) * (1f / Width);
        Vector512<float> a = default, b = default;
        for (int k = 0; k < Width; k += 2)
        {
            var ca = Vector512.Load(x + k * Width) - mean;
            var cb = Vector512.Load(x + (k + 1) * Width) - mean;
            a = Vector512.FusedMultiplyAdd(ca, ca, a);
            b = Vector512.FusedMultiplyAdd(cb, cb, b);
        }
        var inverseDeviation = Vector512<float>.One / Vector512.Sqrt((a + b) * (1f / Width) + Vector512.Create((float)LayerNorms.Epsilon));
        for (int k = 0; k < Width; k++)
        {
            var n = (Vector512.Load(x + k * Width) - mean) * inverseDeviation;
            n.Store(normalized + k * Width);
            Vector512.FusedMultiplyAdd(n, Vector512.Create(gain[k]), Vector512.Create(bias[k])).Store(target + k * Width);
        }
        return inverseDeviation;
    }

    /// <summary>
    /// A layer norm's input gradient from its output's (<paramref name="dOutput"/>, before the gain):
    /// (dn − mean(dn) − n·mean(dn·n))/√(var + ε) with dn = dOutput·gain, adding the per-lane terms of the gain's and
    /// bias's gradients and, where given, of the input's sum over tokens (the bias gradient of the linear before).
    /// </summary>
    private static void NormalizeBackward(
        float* dOutput, float* normalized, Vector512<float> inverseDeviation, float* gain, float* gainSum, float* biasSum, float* dInput, float* inputSum)
    {
        Vector512<float> gradientSum = default, projectionSum = default;
        for (int k = 0; k < Width; k++)
        {
            var (d, n) = (Vector512.Load(dOutput + k * Width), Vector512.Load(normalized + k * Width));
            Vector512.FusedMultiplyAdd(d, n, Vector512.Load(gainSum + k * Width)).Store(gainSum + k * Width);
            (Vector512.Load(biasSum + k * Width) + d).Store(biasSum + k * Width);
            var dn = d * Vector512.Create(gain[k]);
            gradientSum += dn;
            projectionSum = Vector512.FusedMultiplyAdd(dn, n, projectionSum);
        }
        var (meanGradient, meanProjection) = (gradientSum * (1f / Width), projectionSum * (1f / Width));
        for (int k = 0; k < Width; k++)
        {
            var dn = Vector512.Load(dOutput + k * Width) * Vector512.Create(gain[k]);
            var dx = (dn - meanGradient - Vector512.Load(normalized + k * Width) * meanProjection) * inverseDeviation;
            dx.Store(dInput + k * Width);
            if (inputSum is not null) (Vector512.Load(inputSum + k * Width) + dx).Store(inputSum + k * Width);
        }
    }

    /// <summary>The sum of the block's 16 registers, in four chains.</summary>
    private static Vector512<float> Sum(float* x)
    {
        Vector512<float> a = Vector512.Load(x), b = Vector512.Load(x + Width), c = Vector512.Load(x + 2 * Width), d = Vector512.Load(x + 3 * Width);
        for (int k = 4; k < Width; k += 4)
        {
            a += Vector512.Load(x + k * Width);
            b += Vector512.Load(x + (k + 1) * Width);
            c += Vector512.Load(x + (k + 2) * Width);
            d += Vector512.Load(x + (k + 3) * Width);
        }
        return (a + b) + (c + d);
    }

    private static void Relu(float* x, float* target)
    {
        for (int k = 0; k < Width; k++)
            Vector512.Max(Vector512.Load(x + k * Width), Vector512<float>.Zero).Store(target + k * Width);
    }

    /// <summary>
    /// target[j] = Σₖ matrix[j, k]·x[k] (+ bias[j]) (+ addend[j]): a 16×16 row-major matrix times a block. The sum is
    /// the outer products of the matrix's columns with the block's registers, the kernel of the weights' gradients.
    /// </summary>
    private static void Product(float* matrix, float* x, float* bias, float* addend, float* target)
    {
        for (int j = 0; j < Width; j++)
        {
            var start = bias is null ? Vector512<float>.Zero : Vector512.Create(bias[j]);
            (addend is null ? start : start + Vector512.Load(addend + j * Width)).Store(target + j * Width);
        }
        SixteenWideOuterProducts.Add(matrix, rowStride: 1, unitStride: Width, x, Width, Width, target);
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(SixteenWideEncoderTail);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var residual = ((Tensor)vars[0]).contiguous();
            var packed = Pack(vars.Skip(1).Cast<Tensor>().ToArray());
            ctx.save_for_backward([residual, packed]);
            return AutogradBridge.HandOver(Forward(residual, packed));
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => AutogradBridge.Backward(grad_output, incoming =>
        {
            var saved = ctx.get_saved_variables();
            return [.. Backward(saved[0], saved[1], incoming.contiguous())];
        });
    }
}
