using NasRec.Dsl.Analysis;
using NasRec.Runtime.Supernets;
using static NasRec.Models.NasRecSmallSpace;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

/// <summary>
/// The generated typed supernet of NASRec-Small over Criteo against the runtime's interpreted one: the
/// same module (so checkpoints interchange), driven by the space's typed architecture records.
/// </summary>
public sealed class TypedSupernetTests(TypedSupernetTests.Supernets supernets) : IClassFixture<TypedSupernetTests.Supernets>
{
    /// <summary>Criteo's released NASRec-Small architecture (spec Appendix A), written against the typed records.</summary>
    private static readonly Architecture CriteoSmall = new(
        new(Dense.Fc(DenseWidth.W256, 0), Sparse.Efc(SparseTokens.T48, 0), DenseToSparse: true),
        new(Dense.DotProduct(DenseWidth.W1024, 1), Sparse.Efc(SparseTokens.T48, 0, 1), DenseToSparse: true, Fm: true),
        new(Dense.Fc(DenseWidth.W128, 0, 2), Sparse.Efc(SparseTokens.T16, 0, 1, 2), DenseToSparse: true),
        new(Dense.Fc(DenseWidth.W16, 2), Sparse.Efc(SparseTokens.T48, 0, 2), Fm: true),
        new(Dense.DotProduct(DenseWidth.W128, 0, 2, 3, 4), Sparse.Efc(SparseTokens.T32, 2, 4)),
        new(Dense.Fc(DenseWidth.W16, 0, 1, 2, 5), Sparse.Efc(SparseTokens.T64, 1, 2, 5), DenseToSparse: true),
        new(Dense.Fc(DenseWidth.W1024, 0, 3, 5), Sparse.Efc(SparseTokens.T64, 0, 1, 2, 5)));

    [Fact]
    public void TypedAndInterpretedSupernetsHaveTheSameStateDictKeysAndShapes()
    {
        Assert.Equal(Shapes(supernets.Interpreted), Shapes(supernets.Typed));
    }

    [Fact]
    public void TheModuleHoldsWhatTheSupernetAnalysisPredicts()
    {
        var report = SupernetAnalyzer.Analyze(Definition, CriteoDataset.Definition, layerNorm: true);

        Assert.Equal(report.NonEmbeddingParameters, supernets.Typed.NonEmbeddingParameters);
        Assert.Equal(report.Blocks.Select(b => (b.DenseIn, b.TokensIn)),
            report.Blocks.Select(b => (supernets.Typed.DenseInputWidth(b.Index), supernets.Typed.InputTokens(b.Index))));
        Assert.Equal(report.HeadInput, supernets.Typed.Head.in_features);
    }

    [Fact]
    public void ATypedArchitectureGivesTheLogitsOfItsChoiceInTheInterpretedSupernetWithTheSameWeights()
    {
        using var scope = NewDisposeScope();
        var (dense, ids) = ReleasedModel.Named(nameof(CriteoNasRecNetSmall)).Batch(16, Supernets.TableCap);
        var choice = SubnetChoice.Of(CriteoNasRecNetSmall.Definition, Definition);

        using var noGrad = no_grad();
        var typed = supernets.Typed.Forward(dense, ids, CriteoSmall);
        var interpreted = supernets.Interpreted.Forward(dense, ids, choice);

        Assert.Equal(new long[] { 16, 1 }, typed.shape);
        Assert.True(typed.allclose(interpreted, rtol: 0, atol: 1e-6), $"max difference {(typed - interpreted).abs().max().item<float>()}");
    }

    [Fact]
    public void TheTypedRecordsHoldEveryLiveGeneOfTheReleasedArchitecture()
    {
        var choice = supernets.Typed.Choice(CriteoSmall);

        Assert.Equal(SubnetChoice.Of(CriteoNasRecNetSmall.Definition, Definition), choice);
        Assert.True(choice.IsSingleOperator);
        Assert.Equal(CriteoNasRecNetSmall.Definition.Blocks, choice.ToArchitecture("CriteoNasRecNetSmall", Definition, CriteoDataset.Definition).Blocks);
    }

    [Fact]
    public void PlainForwardRunsAPathOfTheSpacesSamplerSeededByTheConstructor()
    {
        using var scope = NewDisposeScope();
        using var typed = new NasRecSmallSpace.Supernet(CriteoDataset.Definition, new SupernetOptions(Supernets.TableCap), seed: 5);
        var (dense, ids) = ReleasedModel.Named(nameof(CriteoNasRecNetSmall)).Batch(4, Supernets.TableCap);
        var expected = PathSampler.ForSpace(Definition, seed: 5);

        using var noGrad = no_grad();
        typed.call(dense, ids);
        var first = typed.LastChoice;
        typed.call(dense, ids);

        Assert.Equal(expected.Next(), first);
        Assert.Equal(expected.Next(), typed.LastChoice);
    }

    private static List<string> Shapes(nn.Module module) =>
        module.state_dict().Select(p => p.Key + ":" + string.Join("x", p.Value.shape)).OrderBy(s => s, StringComparer.Ordinal).ToList();

    /// <summary>One typed and one interpreted Criteo NASRec-Small supernet for the class, the interpreted one holding the typed one's weights.</summary>
    public sealed class Supernets : IDisposable
    {
        public const long TableCap = 1000;

        public Supernets()
        {
            var options = new SupernetOptions(TableCap, LayerNorm: true);
            Typed = new NasRecSmallSpace.Supernet(CriteoDataset.Definition, options);
            Interpreted = new NasRec.Runtime.Supernets.Supernet(Definition, CriteoDataset.Definition, options);
            Interpreted.load_state_dict(Typed.state_dict());
        }

        public NasRecSmallSpace.Supernet Typed { get; }

        public NasRec.Runtime.Supernets.Supernet Interpreted { get; }

        public void Dispose()
        {
            Typed.Dispose();
            Interpreted.Dispose();
        }
    }
}
