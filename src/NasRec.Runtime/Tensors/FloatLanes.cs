using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    static abstract TSelf Floor(TSelf value);

    /// <summary><c>2^n</c> for lanes holding integers in the normal exponent range.</summary>
    static abstract TSelf PowerOfTwo(TSelf n);

    /// <summary>The lanes of <paramref name="value"/>, zero where <paramref name="limit"/>'s lane is greater than <paramref name="test"/>'s.</summary>
    static abstract TSelf ZeroWhereBelow(TSelf value, TSelf test, TSelf limit);

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
    /// <c>e^x</c> in single precision (Cephes' <c>expf</c>: 2^n times a degree-7 polynomial of the remainder, about
    /// one unit in the last place), zero below the smallest normal result, so that a −∞ logit weighs nothing. The
    /// runtime's own vector <c>Exp</c> widens to double precision and costs several times more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, IFloatLanes<T>
    {
        var original = x;
        x = T.Min(x, T.Create(88.37626f));
        var n = T.Floor(x * T.Create(1.44269504f) + T.Create(0.5f));
        var r = x - n * T.Create(0.693359375f) + n * T.Create(2.12194440e-4f);
        var p = T.Create(1.9875691500e-4f);
        p = T.FusedMultiplyAdd(p, r, T.Create(1.3981999507e-3f));
        p = T.FusedMultiplyAdd(p, r, T.Create(8.3334519073e-3f));
        p = T.FusedMultiplyAdd(p, r, T.Create(4.1665795894e-2f));
        p = T.FusedMultiplyAdd(p, r, T.Create(1.6666665459e-1f));
        p = T.FusedMultiplyAdd(p, r, T.Create(5.0000001201e-1f));
        var y = T.FusedMultiplyAdd(p, r * r, r + T.Create(1f));
        return T.ZeroWhereBelow(y * T.PowerOfTwo(n), original, T.Create(-87.33654f));
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
    public static Lanes512 Floor(Lanes512 value) => new(Vector512.Floor(value.value));
    public static Lanes512 PowerOfTwo(Lanes512 n) => new(Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n.value) + Vector512.Create(127), 23).AsSingle());
    public static Lanes512 ZeroWhereBelow(Lanes512 value, Lanes512 test, Lanes512 limit) => new(Vector512.AndNot(value.value, Vector512.LessThan(test.value, limit.value)));
    public float Sum() => Vector512.Sum(value);
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
    public static Lanes256 Floor(Lanes256 value) => new(Vector256.Floor(value.value));
    public static Lanes256 PowerOfTwo(Lanes256 n) => new(Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n.value) + Vector256.Create(127), 23).AsSingle());
    public static Lanes256 ZeroWhereBelow(Lanes256 value, Lanes256 test, Lanes256 limit) => new(Vector256.AndNot(value.value, Vector256.LessThan(test.value, limit.value)));
    public float Sum() => Vector256.Sum(value);
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
    public static Lanes128 Floor(Lanes128 value) => new(Vector128.Floor(value.value));
    public static Lanes128 PowerOfTwo(Lanes128 n) => new(Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n.value) + Vector128.Create(127), 23).AsSingle());
    public static Lanes128 ZeroWhereBelow(Lanes128 value, Lanes128 test, Lanes128 limit) => new(Vector128.AndNot(value.value, Vector128.LessThan(test.value, limit.value)));
    public float Sum() => Vector128.Sum(value);
}
