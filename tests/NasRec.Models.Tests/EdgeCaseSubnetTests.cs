using NasRec.Dsl.Analysis;
using NasRec.Models.Tests.Generated;
using NasRec.Runtime.Subnets;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

/// <summary>Architectures/edge-cases.arch.yaml: every operator and merger corner case, compiled and interpreted.</summary>
public sealed class EdgeCaseSubnetTests
{
    private const long SmallTables = 500;

    private static readonly ReleasedModel Model = new(
        nameof(EdgeCases), cap => new EdgeCases(cap), EdgeCases.Definition, NasRecFullZerosSpace.Definition, CriteoDataset.Definition);

    [Fact]
    public void CompiledAndInterpretedAgreeOnEveryOperatorAndMergerCase()
    {
        using var scope = NewDisposeScope();
        using var compiled = Model.CreateCompiled(SmallTables);
        using var interpreted = new Subnet(Model.Architecture, Model.Space, Model.Dataset, SmallTables);
        interpreted.load_state_dict(compiled.state_dict());
        var (dense, ids) = Model.Batch(24, SmallTables, seed: 11);

        using var noGrad = no_grad();
        var expected = compiled.call(dense, ids);
        var actual = interpreted.call(dense, ids);

        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), $"max difference {(expected - actual).abs().max().item<float>()}");
    }

    [Fact]
    public void MergerTokensAtEightTimesEmbeddingWidthSeeTheFm()
    {
        var report = ArchitectureAnalyzer.Analyze(Model.Architecture, Model.Space, Model.Dataset);

        // Block 3 (sum, d = 128, merger and FM on) feeds the head only through its sparse output,
        // which reads the post-FM dense output: so its FM is live although its dense output is not.
        Assert.False(report.Blocks[3].DenseLive);
        Assert.True(report.Blocks[3].SparseLive);
        Assert.True(report.IsLive(3, BlockPartKind.Fm));
    }

    [Fact]
    public void ModulesHoldTheParametersTheAnalysisPredicts()
    {
        using var compiled = Model.CreateCompiled(SmallTables);
        using var unpruned = new Subnet(Model.Architecture, Model.Space, Model.Dataset, SmallTables, pruned: false);

        Assert.Equal(unpruned.Report.LiveNonEmbeddingParameters, compiled.named_parameters().Where(p => !p.name.StartsWith("embedding.")).Sum(p => p.parameter.numel()));
        Assert.Equal(unpruned.Report.NonEmbeddingParameters, unpruned.named_parameters().Where(p => !p.name.StartsWith("embedding.")).Sum(p => p.parameter.numel()));
    }
}
