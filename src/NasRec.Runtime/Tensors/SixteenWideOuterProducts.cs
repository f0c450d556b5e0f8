using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Sums of outer products over rows of 16 floats, <c>target[j, :] += Σₜ d(t, j)·x[t, :]</c>: the weight gradient of a
/// linear from 16 units (d its output gradients, x its inputs), or a 16×16 matrix times a transposed block of tokens
/// (d the matrix, x the block's registers). Each row of x is one register, eight rows of the target are held in
/// registers at a time, and each d(t, j) is broadcast from memory.
/// </summary>
internal static unsafe class SixteenWideOuterProducts
{
    public const int Width = 16;

    /// <summary>
    /// Adds Σₜ d(t, j)·x[t, :] to row j of <paramref name="target"/> (<c>[units, 16]</c>, row-major) for the
    /// <paramref name="count"/> rows of <paramref name="x"/>; d(t, j) lies at <c>d[t·rowStride + j·unitStride]</c>
    /// and <paramref name="units"/> is a multiple of 8.
    /// </summary>
    /// <remarks>Inlined, so that a caller's constant strides become addressing offsets.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* d, long rowStride, long unitStride, float* x, long count, int units, float* target)
    {
        for (int j = 0; j < units; j += 8)
        {
            float* o = target + j * Width;
            Vector512<float> t0 = Vector512.Load(o), t1 = Vector512.Load(o + Width), t2 = Vector512.Load(o + 2 * Width), t3 = Vector512.Load(o + 3 * Width),
                             t4 = Vector512.Load(o + 4 * Width), t5 = Vector512.Load(o + 5 * Width), t6 = Vector512.Load(o + 6 * Width), t7 = Vector512.Load(o + 7 * Width);
            float* dj = d + j * unitStride;
            for (long t = 0; t < count; t++, dj += rowStride)
            {
                var row = Vector512.Load(x + t * Width);
                t0 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[0]), row, t0);
                t1 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[unitStride]), row, t1);
                t2 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[2 * unitStride]), row, t2);
                t3 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[3 * unitStride]), row, t3);
                t4 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[4 * unitStride]), row, t4);
                t5 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[5 * unitStride]), row, t5);
                t6 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[6 * unitStride]), row, t6);
                t7 = Vector512.FusedMultiplyAdd(Vector512.Create(dj[7 * unitStride]), row, t7);
            }
            t0.Store(o); t1.Store(o + Width); t2.Store(o + 2 * Width); t3.Store(o + 3 * Width);
            t4.Store(o + 4 * Width); t5.Store(o + 5 * Width); t6.Store(o + 6 * Width); t7.Store(o + 7 * Width);
        }
    }
}
