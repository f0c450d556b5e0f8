using NasRec.Dsl.Interop;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Tests.Interop;

public sealed class ReferenceConfigConverterTests
{
    [Theory]
    [MemberData(nameof(ReferenceJson.Released), MemberType = typeof(ReferenceJson))]
    public void ImportGivesTheShippedArchitecture(string json, string space, string name)
    {
        var shipped = Shipped(name);

        var imported = Import(json, space, name, shipped.Dataset, out _);

        Assert.Equal(shipped, imported);
    }

    [Theory]
    [MemberData(nameof(ReferenceJson.Released), MemberType = typeof(ReferenceJson))]
    public void ExportOfTheShippedArchitectureKeepsEveryMeaningfulGene(string json, string space, string name)
    {
        var reference = ReferenceJson.Read(json);
        var architecture = Shipped(name);

        var exported = ReferenceConfigConverter.FromArchitecture(architecture, Space(space), reference.TestLoss);

        Assert.Equal((reference.NumBlocks, reference.Config, reference.TestLoss), (exported.NumBlocks, exported.Config, exported.TestLoss));
        for (int i = 0; i < reference.NumBlocks; i++)
        {
            var block = architecture.Blocks[i];
            var (micro, expected) = (exported.Micro[i], reference.Micro[i]);
            Assert.Equal(expected.ActiveNodes.Order(), micro.ActiveNodes.Order());
            Assert.Equal((expected.DenseInDims, expected.SparseInDims, expected.DenseSparseInteract, expected.DeepFm),
                (micro.DenseInDims, micro.SparseInDims, micro.DenseSparseInteract, micro.DeepFm));

            var (macro, genes) = (exported.Macro[i], reference.Macro[i]);
            if (block.Dense.ReadsInputs) Assert.Equal(genes.DenseIdx.ToHashSet(), macro.DenseIdx.ToHashSet());
            if (block.Dense.ReadsLeftRight) Assert.Equal((genes.DenseLeftIdx[0], genes.DenseRightIdx[0]), (macro.DenseLeftIdx[0], macro.DenseRightIdx[0]));
            if (block.ReadsSparseInputs) Assert.Equal(genes.SparseIdx.ToHashSet(), macro.SparseIdx.ToHashSet());
        }
    }

    [Fact]
    public void ExportWritesTheRawInputForGenesNothingReads()
    {
        var architecture = Shipped("KddNasRecNetFull");

        var exported = ReferenceConfigConverter.FromArchitecture(architecture, Space("NasRecFull"), testLoss: null);

        Assert.Equal([0], exported.Macro[1].DenseIdx);          // sigmoid-gating reads left and right
        Assert.Equal([0], exported.Macro[0].DenseLeftIdx);      // dot-product reads inputs
        Assert.Equal([0], exported.Macro[0].DenseRightIdx);
        Assert.Equal([2, 4], exported.Micro[1].ActiveNodes);    // sigmoid-gating, transformer
        Assert.Equal(0, exported.UseLayernorm);
        Assert.Null(exported.TestLoss);
    }

    [Fact]
    public void IgnoredGenesAreNamedPerBlockAndLayerNormIsTurnedOff()
    {
        var architecture = Import("criteo_xlarge_best_1shot.json", "NasRecFull", "CriteoNasRecNetFull", "Criteo", out var ignored);

        Assert.False(architecture.LayerNorm);
        Assert.Equal(
        [
            "block 0: dense_idx [0] is ignored by sigmoid-gating",
            "block 1: dense_left_idx [0] and dense_right_idx [1] are ignored by dot-product",
            "block 2: dense_left_idx [1] and dense_right_idx [2] are ignored by dot-product",
            "block 3: dense_idx [0, 3] is ignored by sigmoid-gating",
            "block 4: dense_left_idx [3] and dense_right_idx [1] are ignored by fc",
            "block 5: dense_left_idx [2] and dense_right_idx [3] are ignored by fc",
            "block 6: dense_left_idx [6] and dense_right_idx [1] are ignored by fc",
            "use_layernorm 1 is ignored: the reference's final training forces layer norm off, so layerNorm is false",
        ], ignored);
    }

    [Fact]
    public void EmptyUnreadGenesCarryNothingAndAreNotReported()
    {
        var reference = ReferenceJson.Read("criteo_autoctr_best_1shot.json");
        var macro = reference.Macro.Select(m => m with { DenseLeftIdx = [], DenseRightIdx = [] }).ToList();

        ReferenceConfigConverter.ToArchitecture(reference with { Macro = macro, UseLayernorm = 0 }, Space("NasRecSmall"), "A", "Criteo", out var ignored);

        Assert.Empty(ignored);
    }

    [Fact]
    public void SparseInputsOfAZerosOperatorAreReadOnlyByDotProduct()
    {
        var zeros = new MicroChoice([4, 6], 16, 16, 0, 0);       // dense zeros, sparse zeros in NasRecFullZeros
        var reference = new ReferenceConfig(
            Enumerable.Repeat(zeros, 6).Prepend(new MicroChoice([1, 6], 16, 16, 0, 0)).ToList(),   // block 0: dot-product, zeros
            Enumerable.Repeat(new MacroChoice([0], [0], [0], [0]), 7).ToList(),
            7, 0, "xlarge-zeros");

        var architecture = ReferenceConfigConverter.ToArchitecture(reference, Space("NasRecFullZeros"), "A", "Criteo", out var ignored);

        Assert.Equal([0], architecture.Blocks[0].Sparse.Inputs);
        Assert.Empty(architecture.Blocks[1].Sparse.Inputs);
        Assert.Contains("block 1: sparse_idx [0] is ignored by zeros and zeros", ignored);
        Assert.Contains("block 1: dense_idx [0] is ignored by zeros", ignored);
    }

    [Fact]
    public void AConfigOfAnotherSpaceIsRejected()
    {
        var error = Assert.Throws<ReferenceConfigException>(() =>
            Import("criteo_autoctr_best_1shot.json", "NasRecFull", "A", "Criteo", out _));

        Assert.Contains("'autoctr'", error.Message);
    }

    [Fact]
    public void ActiveNodesMustNameOneDenseAndOneSparseNode()
    {
        var reference = ReferenceJson.Read("criteo_xlarge_best_1shot.json");
        var micro = reference.Micro.Select((m, i) => i == 2 ? m with { ActiveNodes = [0, 1] } : m).ToList();

        var error = Assert.Throws<ReferenceConfigException>(() =>
            ReferenceConfigConverter.ToArchitecture(reference with { Micro = micro }, Space("NasRecFull"), "A", "Criteo", out _));

        Assert.StartsWith("block 2: active_nodes [0, 1]", error.Message);
    }

    [Fact]
    public void ConnectionsABlockCannotReadAreRejected()
    {
        var reference = ReferenceJson.Read("criteo_xlarge_best_1shot.json");
        var macro = reference.Macro.Select((m, i) => i == 1 ? m with { SparseIdx = [2] } : m).ToList();

        var error = Assert.Throws<ReferenceConfigException>(() =>
            ReferenceConfigConverter.ToArchitecture(reference with { Macro = macro }, Space("NasRecFull"), "A", "Criteo", out _));

        Assert.Equal("block 1: sparse_idx holds 2, but block 1 can read only 0..1", error.Message);
    }

    internal static Architecture Import(string json, string space, string name, string dataset, out IReadOnlyList<string> ignored) =>
        ReferenceConfigConverter.ToArchitecture(ReferenceJson.Read(json), Space(space), name, dataset, out ignored);

    internal static Architecture Shipped(string name) => Repository.Shipped.Architectures.Single(a => a.Name == name);

    private static SearchSpace Space(string name) => Repository.Shipped.Catalog.Space(name)!;
}
