using NasRec.Runtime.Tensors;

namespace NasRec.Runtime.Tests.Tensors;

public sealed unsafe class FloatLanesTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(37f)]
    [InlineData(-20f)]
    public void Exp2OfAShiftedValueIsWithinTwoUnitsInTheLastPlaceAtEveryWidthAndZeroFarBelowTheSmallestNormalResult(float shift)
    {
        var inputs = Enumerable.Range(0, 8191).Select(i => shift - 126f + 252f * i / 8190f)
            .Concat([shift, shift - 1e-5f, shift + 1e-5f, shift + 0.5f, shift - 0.5f, shift - 2.5f, shift - 151f, -1e30f, float.NegativeInfinity]).ToArray();

        foreach (var results in new[] { Exp2<Lanes512>(inputs, shift), Exp2<Lanes256>(inputs, shift), Exp2<Lanes128>(inputs, shift) })
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                double exact = Math.Pow(2, (double)inputs[i] - shift);
                if (inputs[i] < shift - 150f) Assert.Equal(0f, results[i]);
                else Assert.True(Math.Abs(results[i] - exact) <= 2 * (MathF.BitIncrement(results[i]) - results[i]),
                    $"2^({inputs[i]} - {shift}): {results[i]} against {exact}");
            }
        }
    }

    [Fact]
    public void AnyLessThanFindsASingleLaneAtEveryWidth()
    {
        Assert.Equal([false, true, true, true], AnyLessThan<Lanes512>());
        Assert.Equal([false, true, true, true], AnyLessThan<Lanes256>());
        Assert.Equal([false, true, true, true], AnyLessThan<Lanes128>());
    }

    [Fact]
    public void ReductionsAndArithmeticAgreeAtEveryWidth()
    {
        float[] values = [3f, -7f, 0.5f, 11f, -2f, 4f, 9f, -1f, 6f, 2f, -5f, 8f, 1f, 10f, -3f, 7f];

        Assert.Equal([values.Sum()], Reduce<Lanes512>(values).Distinct());
        Assert.Equal([values[..8].Sum()], Reduce<Lanes256>(values).Distinct());
        Assert.Equal([values[..4].Sum()], Reduce<Lanes128>(values).Distinct());
        Assert.Equal(FloatLanes.Widest, System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 16
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 8 : 4);
    }

    private static float[] Exp2<T>(float[] inputs, float shift) where T : struct, IFloatLanes<T>
    {
        var padded = new float[(inputs.Length + T.Count - 1) / T.Count * T.Count];
        inputs.CopyTo(padded, 0);
        var results = new float[padded.Length];
        fixed (float* x = padded, y = results)
        {
            for (int i = 0; i < padded.Length; i += T.Count) FloatLanes.Exp2(T.Load(x + i), T.Create(shift)).Store(y + i);
        }
        return results[..inputs.Length];
    }

    /// <summary>Whether a register of ones is below one, and whether it is with a zero in its first, a middle and its last lane.</summary>
    private static bool[] AnyLessThan<T>() where T : struct, IFloatLanes<T>
    {
        var lanes = new float[T.Count];
        return new[] { -1, 0, T.Count / 2, T.Count - 1 }.Select(zero =>
        {
            Array.Fill(lanes, 1f);
            if (zero >= 0) lanes[zero] = 0f;
            fixed (float* x = lanes) return T.AnyLessThan(T.Load(x), T.Create(1f));
        }).ToArray();
    }

    /// <summary>The first register's sum, computed both directly and from lanes built by arithmetic.</summary>
    private static float[] Reduce<T>(float[] values) where T : struct, IFloatLanes<T>
    {
        fixed (float* x = values)
        {
            var lanes = T.Load(x);
            // (2x + x·1 − x) · 0.5 + max(x, −∞) − min(x, +∞) = x
            var rebuilt = T.FusedMultiplyAdd(lanes, T.Create(2f), lanes * T.Create(1f) - lanes) * T.Create(0.5f)
                + T.Max(lanes, T.Create(float.NegativeInfinity)) - T.Min(lanes, T.Create(float.PositiveInfinity));
            return [lanes.Sum(), rebuilt.Sum()];
        }
    }
}
