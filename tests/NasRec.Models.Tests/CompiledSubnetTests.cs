using NasRec.Runtime.Operators;
using NasRec.Runtime.Subnets;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

[Collection(nameof(GlobalGeneratorCollection))]
public sealed class CompiledSubnetTests
{
    private const long SmallTables = 1000;

    /// <summary>
    /// The weights the reference comparisons draw. Unseeded, about one draw in 600 puts a float32 pre-activation within
    /// rounding of zero, where a sum in another order flips its ReLU and moves whole gradient terms (Avazu Small,
    /// measured over 600 seeds). At these weights every model's float32 gradients match its float64 ones to 1.1e-5 of
    /// their norm, so no pre-activation lies within float32 rounding of zero, whatever order another machine sums in.
    /// </summary>
    private const int WeightSeed = 7;

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
    public void OurFormulationsEqualTheReferencesInTheOutputAndEveryGradient(string name)
    {
        using var scope = NewDisposeScope();
        // In float64, where a sum in another order cannot flip a ReLU at zero and with it a whole gradient term.
        var (expected, actual) = OursAndReferences(name, float64);

        Assert.True(expected.Output.allclose(actual.Output, rtol: 0, atol: Tolerance(expected.Output)), $"max difference {(expected.Output - actual.Output).abs().max().item<double>()} of {expected.Output.abs().max().item<double>()}");
        foreach (var (parameter, gradient) in expected.Gradients)
        {
            var other = actual.Gradients[parameter];
            Assert.True(gradient.allclose(other, rtol: 0, atol: Tolerance(gradient)), $"{parameter}: max difference {(gradient - other).abs().max().item<double>()} of {gradient.abs().max().item<double>()}");
        }
    }

    [Theory]
    [MemberData(nameof(ReleasedModel.Names), MemberType = typeof(ReleasedModel))]
    public void InFloat32OurKernelsEqualTheReferencesFormulationsWithinRounding(string name)
    {
        // Our AVX-512 kernels (the encoder's tail, the attention's projections) serve float32 only, so the float64
        // comparison above runs libtorch's compositions on both sides.
        using var scope = NewDisposeScope();
        var (expected, actual) = OursAndReferences(name, float32);

        Assert.True(expected.Output.allclose(actual.Output, rtol: 0, atol: 1e-4 * Math.Max(1, expected.Output.abs().max().item<float>())), $"max difference {(expected.Output - actual.Output).abs().max().item<float>()}");
        foreach (var (parameter, gradient) in expected.Gradients)
        {
            double difference = (gradient - actual.Gradients[parameter]).norm().item<float>(), size = gradient.norm().item<float>();
            Assert.True(difference <= 1e-4 * Math.Max(size, 1e-6), $"{parameter}: the difference's norm {difference} of the gradient's {size}");
        }
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

    /// <summary>1e-10 relative to the largest entry (float64 sums in another order), absolute below 1.</summary>
    private static double Tolerance(Tensor expected) => 1e-10 * Math.Max(1, expected.abs().max().item<double>());

    /// <summary>
    /// A released model's logits and gradients in <paramref name="dtype"/> through the reference formulations (every
    /// <see cref="IReferenceFormulation"/> switched on) and through ours, from the same weights and batch.
    /// </summary>
    private static ((Tensor Output, Dictionary<string, Tensor> Gradients) Reference, (Tensor Output, Dictionary<string, Tensor> Gradients) Ours) OursAndReferences(string name, ScalarType dtype)
    {
        var model = ReleasedModel.Named(name);
        manual_seed(WeightSeed);
        using var ours = model.CreateCompiled(SmallTables).to(dtype);
        using var reference = model.CreateCompiled(SmallTables).to(dtype);
        reference.load_state_dict(ours.state_dict());
        var switched = reference.modules().OfType<IReferenceFormulation>().ToList();
        Assert.NotEmpty(switched);
        foreach (var module in switched) module.ReferenceFormulation = true;
        var (dense, ids) = model.Batch(32, SmallTables);
        dense = dense.to(dtype);
        return (OutputAndGradients(reference, dense, ids), OutputAndGradients(ours, dense, ids));
    }

    /// <summary>The logits and the gradient of their sum, per parameter name.</summary>
    private static (Tensor Output, Dictionary<string, Tensor> Gradients) OutputAndGradients(nn.Module<Tensor, Tensor, Tensor> model, Tensor dense, Tensor ids)
    {
        var output = model.call(dense, ids);
        output.sum().backward();
        return (output.detach(), model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
    }
}
