using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class SubnetChoiceTests
{
    public static TheoryData<string> ReleasedArchitectures => new(ShippedDocuments.Architectures.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(ReleasedArchitectures))]
    public void A_released_architecture_survives_the_round_trip_through_its_choice(string name)
    {
        var architecture = ShippedDocuments.Architecture(name);
        var space = ShippedDocuments.Space(architecture.Space);
        var choice = SubnetChoice.Of(architecture, space);
        Assert.True(choice.IsSingleOperator);
        var back = choice.ToArchitecture(architecture.Name, space, ShippedDocuments.Dataset(architecture.Dataset));
        Assert.Equal(architecture with { LayerNorm = null }, back);
    }

    [Fact]
    public void Genes_an_architecture_leaves_out_hold_the_raw_input()
    {
        var choice = SubnetChoice.Of(ShippedDocuments.Architecture("CriteoNasRecNetFull"), ShippedDocuments.Full);
        // Block 0 is sigmoid-gating: its dense inputs are a dead gene. Block 2 is dot-product over [1, 2]:
        // its left and right are dead genes.
        Assert.Equal([0], choice.Blocks[0].DenseInputs);
        Assert.Equal([1, 2], choice.Blocks[2].DenseInputs);
        Assert.Equal([0], choice.Blocks[2].Left);
        Assert.Equal([0], choice.Blocks[2].Right);
    }

    [Fact]
    public void Dead_genes_of_a_sampled_choice_are_dropped_from_its_architecture()
    {
        var space = ShippedDocuments.Full;
        var choice = new PathSampler(space, SamplingStrategy.Default, ConnectionCount.Binomial, 0, seed: 3).Next();
        var architecture = choice.ToArchitecture("Sampled", space, ShippedDocuments.Criteo);
        Assert.All(architecture.Blocks, block =>
        {
            Assert.Equal(block.Dense.ReadsInputs, block.Dense.Inputs.Count > 0);
            Assert.Equal(block.Dense.ReadsLeftRight, block.Dense.Left is not null);
            Assert.Equal(block.ReadsSparseInputs, block.Sparse.Inputs.Count > 0);
        });
        Assert.Equal(choice.Blocks.Select(b => b.Operators), SubnetChoice.Of(architecture, space).Blocks.Select(b => b.Operators));
    }

    [Fact]
    public void A_full_path_choice_is_not_an_architecture()
    {
        var space = ShippedDocuments.Small;
        var full = SubnetChoice.FullPath(space);
        Assert.False(full.IsSingleOperator);
        Assert.Throws<InvalidOperationException>(() => full.ToArchitecture("Full", space, ShippedDocuments.Criteo));
    }

    [Fact]
    public void An_architecture_of_another_space_is_refused() =>
        Assert.Throws<ArgumentException>(() => SubnetChoice.Of(ShippedDocuments.Architecture("CriteoNasRecNetFull"), ShippedDocuments.Small));
}
