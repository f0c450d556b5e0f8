using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

/// <summary>The Criteo supernets' sizes (spec §2.5), built once; tiny tables, since only the other parameters are counted.</summary>
public sealed class SupernetShapeTests : IClassFixture<SupernetShapeTests.CriteoSupernets>
{
    private readonly CriteoSupernets supernets;

    public SupernetShapeTests(CriteoSupernets supernets) => this.supernets = supernets;

    [Fact]
    public void The_Criteo_NasRec_Full_supernet_with_layer_norm_holds_171_529_127_non_embedding_parameters() =>
        Assert.Equal(171_529_127, supernets.Full.NonEmbeddingParameters);

    [Fact]
    public void The_Criteo_NasRec_Small_supernet_with_layer_norm_holds_31_143_245_non_embedding_parameters() =>
        Assert.Equal(31_143_245, supernets.Small.NonEmbeddingParameters);

    [Fact]
    public void Block_i_reads_13_plus_1024_i_dense_columns_and_26_plus_72_i_tokens()
    {
        Assert.Equal([13, 1037, 2061, 3085, 4109, 5133, 6157], Enumerable.Range(0, 7).Select(supernets.Full.DenseInputWidth));
        Assert.Equal([26, 98, 170, 242, 314, 386, 458], Enumerable.Range(0, 7).Select(supernets.Full.InputTokens));
        Assert.Equal(2176, supernets.Full.Head.weight!.shape[1]);
    }

    [Fact]
    public void Every_operator_of_every_block_is_a_named_submodule()
    {
        var names = supernets.Small.named_children().Select(c => c.name).ToList();
        Assert.Equal(["embedding", "block0_fc", "block0_dot_product", "block0_efc", "block0_fm", "block0_dense_to_sparse"], names.Take(6));
        Assert.Equal("head", names[^1]);
        Assert.Equal(2 + 5 * 7, names.Count);
    }

    [Fact]
    public void The_head_input_holds_d_max_plus_72_tokens_of_16()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var supernet = supernets.Small;
        var choice = new PathSampler(supernet.Space, Dsl.Model.SamplingStrategy.Default, Dsl.Model.ConnectionCount.Binomial, 0, seed: 1).Next();
        var headInput = supernet.HeadInput(randn(4, 13), zeros(4, 26, dtype: int64), choice);
        Assert.Equal([4L, 2176], headInput.shape);
    }

    public sealed class CriteoSupernets : IDisposable
    {
        public Supernet Full { get; } = new(ShippedDocuments.Full, ShippedDocuments.Criteo, new SupernetOptions(TableCap: 10));

        public Supernet Small { get; } = new(ShippedDocuments.Small, ShippedDocuments.Criteo, new SupernetOptions(TableCap: 10));

        public void Dispose()
        {
            Full.Dispose();
            Small.Dispose();
        }
    }
}
