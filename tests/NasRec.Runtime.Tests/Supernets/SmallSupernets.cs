using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

/// <summary>Shipped spaces cut down to a few blocks and narrow widths, over Criteo's inputs with tiny tables: fast to build and run.</summary>
internal static class SmallSupernets
{
    public const long TableCap = 50;

    /// <summary>NASRec-Full's operators with d_max = 64 (unless other widths are given) and s_max = 16.</summary>
    public static SearchSpace Full(int blocks = 4, int[]? widths = null) => Narrow(ShippedDocuments.Full, blocks, widths ?? [16, 32, 64]);

    /// <summary>d_max = 128 = 8·E: the width at which the reference's merger reads the dense output after the FM (spec §9.3).</summary>
    public static SearchSpace FullAt128(int blocks = 3) => Narrow(ShippedDocuments.Full, blocks, [16, 128]);

    public static SearchSpace WithZeros(int blocks = 4) => Narrow(ShippedDocuments.FullWithZeros, blocks, [16, 32, 64]);

    public static Supernet Build(SearchSpace space, SupernetCompute compute, bool layerNorm = true) =>
        new(space, ShippedDocuments.Criteo, new SupernetOptions(TableCap, layerNorm, compute));

    /// <summary>Moves every parameter off its initial value (LayerNorm weights 1, biases 0), so no term vanishes by accident.</summary>
    public static void Perturb(nn.Module module, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        using var tenth = 0.1.ToScalar();
        foreach (var (_, parameter) in module.named_parameters())
        {
            parameter.add_(randn(parameter.shape, generator: generator).mul(tenth), Scalars.One);
        }
    }

    /// <summary>A batch of Criteo-shaped inputs: 13 dense features and 26 ids below the tiny table cap.</summary>
    public static (Tensor Dense, Tensor Ids) Batch(int size, int seed)
    {
        var generator = new Generator((ulong)seed);
        return (randn([size, 13], generator: generator), randint(0, TableCap, [size, 26], generator: generator, dtype: int64));
    }

    private static SearchSpace Narrow(SearchSpace space, int blocks, int[] widths) =>
        space with { Blocks = blocks, DenseWidths = widths.ToEquatableArray(), SparseTokens = EquatableArray.Create(8, 16) };
}
