using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// A register of single-precision lanes, so that a hand-written CPU kernel is written once and runs at the widest
/// width the CPU accelerates: 16 lanes with AVX-512, 8 with AVX2, 4 with NEON or SSE (<see cref="FloatLanes"/> picks).
/// Each width is a struct wrapping one vector; the JIT specializes a kernel generic over it per width, and the wrapper
/// costs nothing once inlined.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(float* source);

    void Store(float* target);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>The square root, correctly rounded (IEEE 754).</summary>
    static abstract TSelf Sqrt(TSelf value);

    /// <summary>The larger lane, as the CPU's instruction finds it (either operand where one is NaN or both are zeros).</summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>The smaller lane, as the CPU's instruction finds it.</summary>
    static abstract TSelf Min(TSelf left, TSelf right);

    /// <summary><c>a·b + c</c>, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>The nearest integer, halves to even.</summary>
    static abstract TSelf Round(TSelf value);

    /// <summary>
    /// <c>value·2^n</c> for lanes of <paramref name="n"/> holding integers from −150 to 127. Where the CPU has no
    /// scaling instruction of its own, zero for n below −126 (its own keeps the subnormal results).
    /// </summary>
    static abstract TSelf ScaleByPowerOfTwo(TSelf value, TSelf n);

    /// <summary>Whether any lane of <paramref name="left"/> is less than <paramref name="right"/>'s.</summary>
    static abstract bool AnyLessThan(TSelf left, TSelf right);

    float Sum();
}

/// <summary>The lane width the CPU accelerates best, and functions written once over any width.</summary>
internal static class FloatLanes
{
    /// <summary>Lanes of the widest register the runtime accelerates (it reports AVX-512 only where it is not throttled).</summary>
    public static int Widest =>
        Vector512.IsHardwareAccelerated ? Lanes512.Count
        : Vector256.IsHardwareAccelerated ? Lanes256.Count
        : Lanes128.Count;

    /// <summary>
    /// <c>2^(x − shift)</c> in single precision, for a <paramref name="shift"/> holding integers: <c>2^m</c>, m the
    /// integer nearest x, times a degree-6 polynomial of the remainder in [−½, ½] (fitted at Chebyshev nodes; within
    /// 1.3 units in the last place), scaled by <c>2^(m − shift)</c>. The shift goes into the exponent exactly, so the
    /// result is as precise as x is whatever the shift; a subtraction <c>x − shift</c> first would round to the
    /// difference's own unit in the last place. Zero below <c>2^−150</c>, so that a −∞ logit weighs nothing. Softmax
    /// kernels take their logits in base 2, the base change folded into the queries' scale: a natural exponential would
    /// make it again on every call. The runtime's own vector <c>Exp</c> widens to double precision and costs several
    /// times more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp2<T>(T x, T shift) where T : struct, IFloatLanes<T>
    {
        x = T.Max(x, shift - T.Create(150f));
        var m = T.Round(x);
        var f = x - m;
        var p = T.Create(1.54697322e-4f);
        p = T.FusedMultiplyAdd(p, f, T.Create(1.34004327e-3f));
        p = T.FusedMultiplyAdd(p, f, T.Create(9.61802527e-3f));
        p = T.FusedMultiplyAdd(p, f, T.Create(5.55032715e-2f));
        p = T.FusedMultiplyAdd(p, f, T.Create(2.40226507e-1f));
        p = T.FusedMultiplyAdd(p, f, T.Create(6.93147182e-1f));
        p = T.FusedMultiplyAdd(p, f, T.Create(1f));
        return T.ScaleByPowerOfTwo(p, m - shift);
    }
}

internal readonly unsafe struct Lanes512(Vector512<float> value) : IFloatLanes<Lanes512>
{
    private readonly Vector512<float> value = value;

    public static int Count => Vector512<float>.Count;
    public static Lanes512 Create(float value) => new(Vector512.Create(value));
    public static Lanes512 Load(float* source) => new(Vector512.Load(source));
    public void Store(float* target) => value.Store(target);
    public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.value + right.value);
    public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left.value - right.value);
    public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.value * right.value);
    public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.value / right.value);
    public static Lanes512 Sqrt(Lanes512 value) => new(Vector512.Sqrt(value.value));
    public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.MaxNative(left.value, right.value));
    public static Lanes512 Min(Lanes512 left, Lanes512 right) => new(Vector512.MinNative(left.value, right.value));
    public static Lanes512 FusedMultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.value, b.value, c.value));
    public static Lanes512 Round(Lanes512 value) => new(Vector512.Round(value.value));
    public static Lanes512 ScaleByPowerOfTwo(Lanes512 value, Lanes512 n) => new(Avx512F.IsSupported
        ? Avx512F.Scale(value.value, n.value)
        : value.value * PowerOfTwo(n.value));
    public static bool AnyLessThan(Lanes512 left, Lanes512 right) => Vector512.LessThanAny(left.value, right.value);
    public float Sum() => Vector512.Sum(value);

    /// <summary><c>2^n</c>, zero for n below −126: the exponent field of n + 127, clamped at 0.</summary>
    private static Vector512<float> PowerOfTwo(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32Native(Vector512.MaxNative(n, Vector512.Create(-127f))) + Vector512.Create(127), 23).AsSingle();
}

internal readonly unsafe struct Lanes256(Vector256<float> value) : IFloatLanes<Lanes256>
{
    private readonly Vector256<float> value = value;

    public static int Count => Vector256<float>.Count;
    public static Lanes256 Create(float value) => new(Vector256.Create(value));
    public static Lanes256 Load(float* source) => new(Vector256.Load(source));
    public void Store(float* target) => value.Store(target);
    public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.value + right.value);
    public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left.value - right.value);
    public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.value * right.value);
    public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.value / right.value);
    public static Lanes256 Sqrt(Lanes256 value) => new(Vector256.Sqrt(value.value));
    public static Lanes256 Max(Lanes256 left, Lanes256 right) => new(Vector256.MaxNative(left.value, right.value));
    public static Lanes256 Min(Lanes256 left, Lanes256 right) => new(Vector256.MinNative(left.value, right.value));
    public static Lanes256 FusedMultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.value, b.value, c.value));
    public static Lanes256 Round(Lanes256 value) => new(Vector256.Round(value.value));
    public static Lanes256 ScaleByPowerOfTwo(Lanes256 value, Lanes256 n) => new(value.value * PowerOfTwo(n.value));
    public static bool AnyLessThan(Lanes256 left, Lanes256 right) => Vector256.LessThanAny(left.value, right.value);
    public float Sum() => Vector256.Sum(value);

    /// <summary><c>2^n</c>, zero for n below −126: the exponent field of n + 127, clamped at 0.</summary>
    private static Vector256<float> PowerOfTwo(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32Native(Vector256.MaxNative(n, Vector256.Create(-127f))) + Vector256.Create(127), 23).AsSingle();
}

internal readonly unsafe struct Lanes128(Vector128<float> value) : IFloatLanes<Lanes128>
{
    private readonly Vector128<float> value = value;

    public static int Count => Vector128<float>.Count;
    public static Lanes128 Create(float value) => new(Vector128.Create(value));
    public static Lanes128 Load(float* source) => new(Vector128.Load(source));
    public void Store(float* target) => value.Store(target);
    public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.value + right.value);
    public static Lanes128 operator -(Lanes128 left, Lanes128 right) => new(left.value - right.value);
    public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.value * right.value);
    public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.value / right.value);
    public static Lanes128 Sqrt(Lanes128 value) => new(Vector128.Sqrt(value.value));
    public static Lanes128 Max(Lanes128 left, Lanes128 right) => new(Vector128.MaxNative(left.value, right.value));
    public static Lanes128 Min(Lanes128 left, Lanes128 right) => new(Vector128.MinNative(left.value, right.value));
    public static Lanes128 FusedMultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.FusedMultiplyAdd(a.value, b.value, c.value));
    public static Lanes128 Round(Lanes128 value) => new(Vector128.Round(value.value));
    public static Lanes128 ScaleByPowerOfTwo(Lanes128 value, Lanes128 n) => new(value.value * PowerOfTwo(n.value));
    public static bool AnyLessThan(Lanes128 left, Lanes128 right) => Vector128.LessThanAny(left.value, right.value);
    public float Sum() => Vector128.Sum(value);

    /// <summary><c>2^n</c>, zero for n below −126: the exponent field of n + 127, clamped at 0.</summary>
    private static Vector128<float> PowerOfTwo(Vector128<float> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32Native(Vector128.MaxNative(n, Vector128.Create(-127f))) + Vector128.Create(127), 23).AsSingle();
}
