using NasRec.Runtime.Operators;
using NasRec.Runtime.Subnets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

/// <summary>Every parameter of a built subnet starts as spec §2.7 says, module kind by module kind.</summary>
public sealed class InitializationTests
{
    [Theory]
    [InlineData(nameof(CriteoNasRecNetSmall))]
    [InlineData(nameof(CriteoNasRecNetFull))]
    public void EveryParameterStartsAsTheReferenceInitializesIt(string name)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = ReleasedModel.Named(name).CreateCompiled(20_000);
        var checkedParameters = new HashSet<IntPtr>();

        foreach (var (moduleName, module) in model.named_modules())
        {
            switch (module)
            {
                case SparseEmbedding embedding:
                    long start = 0;
                    foreach (var rows in embedding.TableSizes)
                    {
                        var table = embedding.Weight.narrow(0, start, rows);
                        start += rows;
                        // Xavier-normal on [rows, 16]: std √(2 / (16 + rows)); checked where the sample is large enough.
                        if (rows * 16 < 4000) continue;
                        double std = Math.Sqrt(2.0 / (16 + rows));
                        Assert.Equal(std, table.std().item<float>(), std * 0.05);
                        Assert.Equal(0, table.mean().item<float>(), std * 0.1);
                    }
                    checkedParameters.Add(embedding.Weight.Handle);
                    break;
                case Linear linear:
                    AssertXavierUniform(linear.weight!);
                    checkedParameters.Add(linear.weight!.Handle);
                    if (linear.bias is not null) AssertZero(linear.bias, checkedParameters);
                    break;
                case SelfAttention attention:
                    foreach (var (_, parameter) in attention.named_parameters(recurse: false))
                    {
                        if (parameter.dim() > 1) AssertXavierUniform(parameter);
                        else AssertZero(parameter, checkedParameters);
                        checkedParameters.Add(parameter.Handle);
                    }
                    break;
                case LayerNorm norm:
                    // The transformer's encoder norms start at 0.17 (LN_INIT), every other norm at 1.
                    bool encoderNorm = moduleName.EndsWith("_sparse.norm1") || moduleName.EndsWith("_sparse.norm2");
                    using (var expected = (encoderNorm ? (float)TransformerOperator.NormWeightInit : 1f).ToScalar())
                        Assert.True(norm.weight!.eq(expected).all().item<bool>());
                    checkedParameters.Add(norm.weight!.Handle);
                    AssertZero(norm.bias!, checkedParameters);
                    break;
            }
        }

        var uncovered = model.named_parameters().Where(p => !checkedParameters.Contains(p.parameter.Handle)).Select(p => p.name).ToList();
        Assert.Empty(uncovered);
    }

    /// <summary>Uniform on ±√(6 / (fan_in + fan_out)): bounded, and with the uniform's std where the sample is large.</summary>
    private static void AssertXavierUniform(Tensor weight)
    {
        double bound = Math.Sqrt(6.0 / (weight.shape[0] + weight.shape[1]));
        // The bound as the float libtorch draws up to: it may round above the double by half an ulp.
        float max = weight.abs().max().item<float>();
        Assert.True(max <= bound * (1 + 1e-6), $"max |w| {max} above the bound {bound}");
        if (weight.numel() >= 2000) Assert.Equal(bound / Math.Sqrt(3), weight.std().item<float>(), bound * 0.05);
    }

    private static void AssertZero(Tensor vector, HashSet<IntPtr> checkedParameters)
    {
        using var zero = 0.ToScalar();
        Assert.True(vector.eq(zero).all().item<bool>());
        checkedParameters.Add(vector.Handle);
    }
}
