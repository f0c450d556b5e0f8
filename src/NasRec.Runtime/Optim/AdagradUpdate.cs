using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Optim;

/// <summary>
/// Adagrad's update of one block, <c>G += g·g; θ += (−lr·g) / (√G + eps)</c> with <c>g</c> the gradient times
/// clipping's scale, as torch's operators compute it (<c>mul_</c> when clipping acts, <c>addcmul_</c>, <c>sqrt</c>,
/// <c>add_</c>, <c>addcdiv_</c>). Those pass over the block eleven to thirteen times and allocate the denominator; the
/// update is memory-bound, and a full-path supernet step updates 164M weights. For float32 blocks on the CPU whose rows
/// are contiguous (a parameter, a column block of a weight matrix, gathered embedding rows), a kernel of ours reads the
/// gradient, G and θ once and writes G and θ once, on libtorch's threads. Each lane rounds as torch's kernels do
/// (<c>G + g·g</c> one fused multiply-add, as ATen's compiled kernel has it), with the square root correctly rounded
/// (torch's goes through MKL's vector library on long blocks, within an ulp of it). Other blocks take torch's operators.
/// </summary>
internal static unsafe class AdagradUpdate
{
    /// <summary>Below this many elements one thread does the whole block (a parallel region costs microseconds).</summary>
    private const long SerialElements = 1 << 15;

    /// <summary>A long row is split into parts of this many elements to share it between threads.</summary>
    private const long Chunk = 1 << 14;

    /// <param name="gradientScale">Clipping's factor (1 within the bound); torch's path scales <paramref name="gradient"/> in place.</param>
    public static void Apply(Tensor weight, Tensor accumulator, Tensor gradient, double learningRate, double epsilon, float gradientScale = 1)
    {
        if (!FitsKernel(weight, accumulator, gradient))
        {
            using var scale = gradientScale.ToScalar();
            using var eps = epsilon.ToScalar();
            using var minusRate = (-learningRate).ToScalar();
            if (gradientScale != 1) gradient.mul_(scale);
            accumulator.addcmul_(gradient, gradient, Scalars.One);
            using var denominator = accumulator.sqrt().add_(eps, Scalars.One);
            weight.addcdiv_(gradient, denominator, minusRate);
            return;
        }
        var block = new Block(weight, accumulator, gradient, gradientScale, (float)-learningRate, (float)epsilon);
        long elements = block.Rows * block.Columns;
        if (elements < SerialElements) block.Update(0, block.Rows, 0, block.Columns);
        else if (block.Rows > 1) LibTorchThreads.For(block.Rows, (first, end) => block.Update(first, end, 0, block.Columns));
        else LibTorchThreads.For((block.Columns + Chunk - 1) / Chunk, (first, end) => block.Update(0, 1, first * Chunk, Math.Min(end * Chunk, block.Columns)));
        NativeData.KeepAlive(weight, accumulator, gradient);
    }

    /// <summary>Whether the kernel takes these blocks: float32 on the CPU, one shape of one or two axes, rows contiguous.</summary>
    public static bool FitsKernel(Tensor weight, Tensor accumulator, Tensor gradient) =>
        new[] { weight, accumulator, gradient }.All(t => t.dtype == ScalarType.Float32 && t.device_type == TorchSharp.DeviceType.CPU
            && t.dim() is 1 or 2 && t.stride(-1) == 1 && t.shape.SequenceEqual(weight.shape));

    /// <summary>Three blocks of one shape, each row of each contiguous in memory.</summary>
    private readonly struct Block
    {
        private readonly float* weight, accumulator, gradient;
        private readonly long weightStride, accumulatorStride, gradientStride;
        private readonly float scale, minusRate, epsilon;

        public Block(Tensor weight, Tensor accumulator, Tensor gradient, float scale, float minusRate, float epsilon)
        {
            this.scale = scale;
            this.weight = NativeData.Floats(weight);
            this.accumulator = NativeData.Floats(accumulator);
            this.gradient = NativeData.Floats(gradient);
            Rows = weight.dim() == 2 ? weight.shape[0] : 1;
            Columns = weight.shape[^1];
            weightStride = weight.dim() == 2 ? weight.stride(0) : 0;
            accumulatorStride = accumulator.dim() == 2 ? accumulator.stride(0) : 0;
            gradientStride = gradient.dim() == 2 ? gradient.stride(0) : 0;
            this.minusRate = minusRate;
            this.epsilon = epsilon;
        }

        public long Rows { get; }

        public long Columns { get; }

        /// <summary>Rows <c>[firstRow, endRow)</c>, columns <c>[firstColumn, endColumn)</c>.</summary>
        public void Update(long firstRow, long endRow, long firstColumn, long endColumn)
        {
            switch (FloatLanes.Widest)
            {
                case 16: UpdateRows<Lanes512>(firstRow, endRow, firstColumn, endColumn); break;
                case 8: UpdateRows<Lanes256>(firstRow, endRow, firstColumn, endColumn); break;
                default: UpdateRows<Lanes128>(firstRow, endRow, firstColumn, endColumn); break;
            }
        }

        private void UpdateRows<T>(long firstRow, long endRow, long firstColumn, long endColumn) where T : struct, IFloatLanes<T>
        {
            for (long row = firstRow; row < endRow; row++)
            {
                Span<T>(weight + row * weightStride + firstColumn, accumulator + row * accumulatorStride + firstColumn,
                    gradient + row * gradientStride + firstColumn, endColumn - firstColumn);
            }
        }

        private void Span<T>(float* w, float* s, float* g, long count) where T : struct, IFloatLanes<T>
        {
            var factor = T.Create(scale);
            var rate = T.Create(minusRate);
            var eps = T.Create(epsilon);
            long i = 0;
            for (; i + T.Count <= count; i += T.Count)
            {
                var grad = T.Load(g + i) * factor;
                var sum = T.FusedMultiplyAdd(grad, grad, T.Load(s + i));
                sum.Store(s + i);
                (T.Load(w + i) + rate * grad / (T.Sqrt(sum) + eps)).Store(w + i);
            }
            for (; i < count; i++)
            {
                float grad = g[i] * scale;
                float sum = MathF.FusedMultiplyAdd(grad, grad, s[i]);
                s[i] = sum;
                w[i] += minusRate * grad / (MathF.Sqrt(sum) + epsilon);
            }
        }
    }
}
