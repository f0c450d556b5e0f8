using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// What the runtime's AVX-512 kernels over sixteen-float registers share (the encoder's tail, the attention's
/// projections): where they run, and transposes of 16×16 float blocks in registers, for kernels that hold one unit
/// of sixteen rows per register.
/// </summary>
internal static unsafe class SixteenBySixteen
{
    public const int Width = SixteenWideOuterProducts.Width;

    public const int BlockSize = Width * Width;

    /// <summary>Whether such a kernel runs on <paramref name="tensor"/>: float32 on the CPU, on a CPU with AVX-512.</summary>
    public static bool Runs(Tensor tensor) =>
        Avx512F.IsSupported && tensor.device_type == TorchSharp.DeviceType.CPU && tensor.dtype == ScalarType.Float32;

    /// <summary>A block from <paramref name="count"/> rows of 16 floats (the rest zeros), transposed.</summary>
    public static void TransposeIn(float* rows, int count, float* block)
    {
        if (count < Width)
        {
            new Span<float>(block, BlockSize).Clear();
            Buffer.MemoryCopy(rows, block, BlockSize * sizeof(float), count * Width * sizeof(float));
            Transpose(block, block);
        }
        else Transpose(rows, block);
    }

    /// <summary>The first <paramref name="count"/> rows of a transposed block (which is transposed in place).</summary>
    public static void TransposeOut(float* block, int count, float* rows)
    {
        if (count < Width)
        {
            Transpose(block, block);
            Buffer.MemoryCopy(block, rows, count * Width * sizeof(float), count * Width * sizeof(float));
        }
        else Transpose(block, rows);
    }

    /// <summary>
    /// A 16×16 transpose (in place when the two are one), in registers: at each scale b = 8, 4, 2, 1, rows i and
    /// i + b exchange their off-diagonal b-wide blocks, one two-source permute per row.
    /// </summary>
    private static void Transpose(float* source, float* target)
    {
        Vector512<float> r0 = Vector512.Load(source), r1 = Vector512.Load(source + Width), r2 = Vector512.Load(source + 2 * Width),
            r3 = Vector512.Load(source + 3 * Width), r4 = Vector512.Load(source + 4 * Width), r5 = Vector512.Load(source + 5 * Width),
            r6 = Vector512.Load(source + 6 * Width), r7 = Vector512.Load(source + 7 * Width), r8 = Vector512.Load(source + 8 * Width),
            r9 = Vector512.Load(source + 9 * Width), r10 = Vector512.Load(source + 10 * Width), r11 = Vector512.Load(source + 11 * Width),
            r12 = Vector512.Load(source + 12 * Width), r13 = Vector512.Load(source + 13 * Width), r14 = Vector512.Load(source + 14 * Width),
            r15 = Vector512.Load(source + 15 * Width);
        var (low, high) = ExchangeIndices(8);
        Exchange(ref r0, ref r8, low, high); Exchange(ref r1, ref r9, low, high); Exchange(ref r2, ref r10, low, high); Exchange(ref r3, ref r11, low, high);
        Exchange(ref r4, ref r12, low, high); Exchange(ref r5, ref r13, low, high); Exchange(ref r6, ref r14, low, high); Exchange(ref r7, ref r15, low, high);
        (low, high) = ExchangeIndices(4);
        Exchange(ref r0, ref r4, low, high); Exchange(ref r1, ref r5, low, high); Exchange(ref r2, ref r6, low, high); Exchange(ref r3, ref r7, low, high);
        Exchange(ref r8, ref r12, low, high); Exchange(ref r9, ref r13, low, high); Exchange(ref r10, ref r14, low, high); Exchange(ref r11, ref r15, low, high);
        (low, high) = ExchangeIndices(2);
        Exchange(ref r0, ref r2, low, high); Exchange(ref r1, ref r3, low, high); Exchange(ref r4, ref r6, low, high); Exchange(ref r5, ref r7, low, high);
        Exchange(ref r8, ref r10, low, high); Exchange(ref r9, ref r11, low, high); Exchange(ref r12, ref r14, low, high); Exchange(ref r13, ref r15, low, high);
        (low, high) = ExchangeIndices(1);
        Exchange(ref r0, ref r1, low, high); Exchange(ref r2, ref r3, low, high); Exchange(ref r4, ref r5, low, high); Exchange(ref r6, ref r7, low, high);
        Exchange(ref r8, ref r9, low, high); Exchange(ref r10, ref r11, low, high); Exchange(ref r12, ref r13, low, high); Exchange(ref r14, ref r15, low, high);
        r0.Store(target); r1.Store(target + Width); r2.Store(target + 2 * Width); r3.Store(target + 3 * Width);
        r4.Store(target + 4 * Width); r5.Store(target + 5 * Width); r6.Store(target + 6 * Width); r7.Store(target + 7 * Width);
        r8.Store(target + 8 * Width); r9.Store(target + 9 * Width); r10.Store(target + 10 * Width); r11.Store(target + 11 * Width);
        r12.Store(target + 12 * Width); r13.Store(target + 13 * Width); r14.Store(target + 14 * Width); r15.Store(target + 15 * Width);
    }

    /// <summary>
    /// The permutes' indices at scale b: the upper row keeps its lanes whose bit b is clear and takes the lower row's
    /// b lanes before the others; the lower row takes the upper's b lanes after its cleared ones and keeps the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<int> Low, Vector512<int> High) ExchangeIndices(int b)
    {
        var lane = Vector512<int>.Indices;
        var kept = Vector512.Equals(lane & Vector512.Create(b), Vector512<int>.Zero);
        return (Vector512.ConditionalSelect(kept, lane, lane + Vector512.Create(Width - b)),
                Vector512.ConditionalSelect(kept, lane + Vector512.Create(b), lane + Vector512.Create(Width)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange(ref Vector512<float> upper, ref Vector512<float> lower, Vector512<int> low, Vector512<int> high)
    {
        var exchanged = Avx512F.PermuteVar16x32x2(upper, low, lower);
        lower = Avx512F.PermuteVar16x32x2(upper, high, lower);
        upper = exchanged;
    }
}
