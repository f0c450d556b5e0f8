using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

public sealed class BlocksReachingTheHeadTests
{
    [Fact]
    public void ArchitecturesWithDeadBlocksGiveTheMaskedOutputsAndGradientsWithoutComputingThem()
    {
        var space = SmallSupernets.Full(blocks: 5);
        using var masked = SmallSupernets.Build(space, SupernetCompute.Masked);
        using var skipping = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs);
        SmallSupernets.Perturb(masked, seed: 4);
        skipping.load_state_dict(masked.state_dict());
        var sampler = new PathSampler(space, SamplingStrategy.SinglePath, ConnectionCount.Uniform, warmupSteps: 0, seed: 5);
        var (dense, ids) = SmallSupernets.Batch(8, seed: 6);

        int dead = 0;
        for (int i = 0; i < 6; i++)
        {
            var choice = sampler.Next();
            var (denseLive, sparseLive) = ArchitectureAnalyzer.Liveness(choice.ToArchitecture("Path", space, ShippedDocuments.Criteo).Blocks);
            dead += Enumerable.Range(1, space.Blocks).Count(j => !denseLive[j] && !sparseLive[j]);

            var (expected, expectedGradients) = Run(masked, choice, dense, ids);
            var (actual, actualGradients) = Run(skipping, choice, dense, ids);

            Assert.True((expected - actual).abs().max().item<float>() < 1e-5f * Math.Max(1, expected.abs().max().item<float>()));
            Assert.Equal(expectedGradients.Keys, actualGradients.Keys);
            foreach (var (name, gradient) in expectedGradients)
            {
                var difference = (gradient - actualGradients[name]).abs().max().item<float>();
                Assert.True(difference < 1e-5f * Math.Max(1, gradient.abs().max().item<float>()), $"{name}: {difference}");
            }
        }
        Assert.True(dead > 0, "no path had a dead block");
    }

    /// <summary>The logits and the gradients that reach parameters (by name) of one backward through them.</summary>
    private static (Tensor Logits, Dictionary<string, Tensor> Gradients) Run(Supernet supernet, SubnetChoice choice, Tensor dense, Tensor ids)
    {
        supernet.zero_grad();
        var logits = supernet.Forward(dense, ids, choice);
        logits.sum().backward();
        var gradients = supernet.named_parameters()
            .Where(p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (logits.detach(), gradients);
    }
}
