using NasRec.Runtime.Subnets;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

public sealed class CompiledSubnetTests
{
    private const long SmallTables = 1000;

    [Theory]
    [MemberData(nameof(ReleasedModel.Names), MemberType = typeof(ReleasedModel))]
    public void CompiledAndInterpretedSubnetsGiveTheSameOutputForTheSameWeights(string name)
    {
        using var scope = NewDisposeScope();
        var model = ReleasedModel.Named(name);
        using var compiled = model.CreateCompiled(SmallTables);
        using var interpreted = new Subnet(model.Architecture, model.Space, model.Dataset, SmallTables);
        interpreted.load_state_dict(compiled.state_dict());
        var (dense, ids) = model.Batch(32, SmallTables);

        using var noGrad = no_grad();
        var expected = compiled.call(dense, ids);
        var actual = interpreted.call(dense, ids);

        Assert.Equal(new long[] { 32, 1 }, expected.shape);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), $"max difference {(expected - actual).abs().max().item<float>()}");
    }

    [Theory]
    [MemberData(nameof(ReleasedModel.Names), MemberType = typeof(ReleasedModel))]
    public void CompiledAndInterpretedSubnetsHaveTheSameParameterNamesAndShapes(string name)
    {
        var model = ReleasedModel.Named(name);
        using var compiled = model.CreateCompiled(SmallTables);
        using var interpreted = new Subnet(model.Architecture, model.Space, model.Dataset, SmallTables);

        Assert.Equal(Shapes(compiled), Shapes(interpreted));
    }

    [Theory]
    [MemberData(nameof(ReleasedModel.Names), MemberType = typeof(ReleasedModel))]
    public void ModulesHoldExactlyTheParametersTheAnalysisPredicts(string name)
    {
        var model = ReleasedModel.Named(name);
        using var compiled = model.CreateCompiled(SmallTables);
        using var unpruned = new Subnet(model.Architecture, model.Space, model.Dataset, SmallTables, pruned: false);
        var report = unpruned.Report;

        Assert.Equal(report.LiveNonEmbeddingParameters, NonEmbedding(compiled));
        Assert.Equal(report.NonEmbeddingParameters, NonEmbedding(unpruned));
        Assert.Equal(model.Dataset.TableSizes(SmallTables).Sum() * 16, Count(compiled, n => n.StartsWith("embedding.")));
    }

    [Theory]
    [MemberData(nameof(ReleasedModel.Names), MemberType = typeof(ReleasedModel))]
    public void ForwardAndBackwardReachEveryParameterOnCpu(string name)
    {
        using var scope = NewDisposeScope();
        var model = ReleasedModel.Named(name);
        using var compiled = model.CreateCompiled(SmallTables);
        var (dense, ids) = model.Batch(16, SmallTables);
        var labels = randint(2, new long[] { 16, 1 }).to_type(float32);

        var loss = nn.functional.binary_cross_entropy_with_logits(compiled.call(dense, ids), labels);
        loss.backward();

        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.All(compiled.named_parameters(), p => Assert.True(p.parameter.grad is not null, p.name + " got no gradient"));
    }

    [Fact]
    public void EmbeddingWithTheSearchCapHoldsTheSpecCount()
    {
        using var criteo = new CriteoNasRecNetFull(CriteoDataset.SearchTableCap);

        Assert.Equal(49_109_072L, Count(criteo, n => n.StartsWith("embedding.")));
    }

    private static long NonEmbedding(nn.Module module) => Count(module, n => !n.StartsWith("embedding."));

    private static long Count(nn.Module module, Func<string, bool> include) =>
        module.named_parameters().Where(p => include(p.name)).Sum(p => p.parameter.numel());

    private static List<string> Shapes(nn.Module module) =>
        module.named_parameters().Select(p => p.name + ":" + string.Join("x", p.parameter.shape)).OrderBy(s => s, StringComparer.Ordinal).ToList();
}
