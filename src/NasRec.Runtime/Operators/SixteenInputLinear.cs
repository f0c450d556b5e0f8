using System.Runtime.Intrinsics;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>
/// A linear from 16 units, <c>x·Wᵀ + b</c> over <c>[..., 16]</c> rows (the attention's in- and out-projections over
/// its tokens), whose backward sums the weight's and bias's gradients in one pass over the rows, split over libtorch's
/// threads (<see cref="LibTorchThreads"/>). libtorch takes them as a product with the rows as its inner dimension and
/// a column sum, which at these shapes it runs on one thread: [16384, 16] rows into 48 units, 0.13 and 0.13 ms at two
/// threads as at one. The forward and the input's gradient stay libtorch's products, which use both threads.
/// </summary>
internal static unsafe class SixteenInputLinear
{
    public const int Width = SixteenWideOuterProducts.Width;

    /// <summary>Rows whose terms one pass adds while they are in L1.</summary>
    private const long RowsPerPass = 128;

    /// <summary>Whether the fused backward serves this input and weight (<c>[units, 16]</c>) on this CPU.</summary>
    public static bool Serves(Tensor input, Tensor weight) =>
        SixteenBySixteen.Runs(input) && input.shape[^1] == Width
        && weight.dim() == 2 && weight.shape[1] == Width && weight.shape[0] % Width == 0;

    public static Tensor Apply(Tensor input, Tensor weight, Tensor bias) =>
        is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias.requires_grad)
            ? AutogradBridge.Apply(Function.apply, input, weight, bias)
            : nn.functional.linear(input, weight, bias);

    /// <summary>The weight's and bias's gradients, <c>[units, 16]</c> and <c>[units]</c>, from contiguous rows and their output gradients.</summary>
    private static (Tensor Weight, Tensor Bias) ParameterGradients(Tensor input, Tensor outputGradient, int units)
    {
        long rows = input.numel() / Width;
        int chunks = (int)Math.Clamp(get_num_threads(), 1, Math.Max(rows, 1));
        int size = units * (Width + 1);
        var totals = zeros(chunks, size);
        var (x, d, t) = ((nint)NativeData.Floats(input), (nint)NativeData.Floats(outputGradient), (nint)NativeData.Floats(totals));
        LibTorchThreads.For(chunks, (first, last) =>
        {
            for (long chunk = first; chunk < last; chunk++)
            {
                float* weightSum = (float*)t + chunk * size, biasSum = weightSum + units * Width;
                for (long start = rows * chunk / chunks, end = rows * (chunk + 1) / chunks; start < end; start += RowsPerPass)
                {
                    long count = Math.Min(RowsPerPass, end - start);
                    float* dRows = (float*)d + start * units;
                    SixteenWideOuterProducts.Add(dRows, rowStride: units, unitStride: 1, (float*)x + start * Width, count, units, weightSum);
                    AddRows(dRows, count, units, biasSum);
                }
            }
        });
        NativeData.KeepAlive(input, outputGradient);
        var total = totals.sum(dim: 0);
        return (total.narrow(0, 0, units * Width).view(units, Width), total.narrow(0, units * Width, units));
    }

    /// <summary>sum += the <paramref name="count"/> rows of <paramref name="units"/> floats at <paramref name="rows"/>, sixteen units at a time.</summary>
    private static void AddRows(float* rows, long count, int units, float* sum)
    {
        for (int j = 0; j < units; j += Width)
        {
            Vector512<float> a = Vector512.Load(sum + j), b = default;
            long t = 0;
            for (; t + 1 < count; t += 2)
            {
                a += Vector512.Load(rows + t * units + j);
                b += Vector512.Load(rows + (t + 1) * units + j);
            }
            if (t < count) a += Vector512.Load(rows + t * units + j);
            (a + b).Store(sum + j);
        }
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(SixteenInputLinear);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (input, weight, bias) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
            ctx.save_for_backward([input, weight]);
            using var noGrad = no_grad();
            return AutogradBridge.HandOver(nn.functional.linear(input, weight, bias));
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => AutogradBridge.Backward(grad_output, incoming =>
        {
            var saved = ctx.get_saved_variables();
            var (input, weight) = (saved[0], saved[1]);
            int units = (int)weight.shape[0];
            var outputGradient = incoming.contiguous();
            var inputGradient = outputGradient.reshape(-1, units).mm(weight).view(input.shape);
            var (weightGradient, biasGradient) = ParameterGradients(input.contiguous(), outputGradient, units);
            return [inputGradient, weightGradient, biasGradient];
        });
    }
}
