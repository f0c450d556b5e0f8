using NasRec.Runtime.Tensors;

namespace NasRec.Runtime.Tests.Tensors;

public sealed unsafe class FloatLanesTests
{
    [Fact]
    public void ExpIsWithinTwoUnitsInTheLastPlaceAtEveryWidthAndZeroBelowTheSmallestNormalResult()
    {
        var inputs = Enumerable.Range(0, 4096).Select(i => -87f + 175f * i / 4095f)
            .Concat([0f, -1e-8f, 1e-8f, -87.4f, -100f, -1e30f, float.NegativeInfinity]).ToArray();

        foreach (var results in new[] { Exp<Lanes512>(inputs), Exp<Lanes256>(inputs), Exp<Lanes128>(inputs) })
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] < -87.33654f) Assert.Equal(0f, results[i]);
                else Assert.True(Math.Abs(results[i] - Math.Exp(inputs[i])) <= 2 * (MathF.BitIncrement(results[i]) - results[i]),
                    $"e^{inputs[i]}: {results[i]} against {Math.Exp(inputs[i])}");
            }
        }
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

    private static float[] Exp<T>(float[] inputs) where T : struct, IFloatLanes<T>
    {
        var padded = new float[(inputs.Length + T.Count - 1) / T.Count * T.Count];
        inputs.CopyTo(padded, 0);
        var results = new float[padded.Length];
        fixed (float* x = padded, y = results)
        {
            for (int i = 0; i < padded.Length; i += T.Count) FloatLanes.Exp(T.Load(x + i)).Store(y + i);
        }
        return results[..inputs.Length];
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
