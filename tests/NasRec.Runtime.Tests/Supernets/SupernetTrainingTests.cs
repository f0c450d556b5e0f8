using System.Text.RegularExpressions;
using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tensors;
using NasRec.Runtime.Tests.Training;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

/// <summary>Supernet runs on a three-block NASRec-Full space with narrow widths over a Criteo layout with 50-row tables.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class SupernetTrainingTests : IDisposable
{
    private static readonly SupernetSource Source = TinySource();
    private readonly string folder = Directory.CreateTempSubdirectory("nasrec-supernet-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AResumedRunDrawsTheSamePathsAndEndsWithBitIdenticalWeightsToAnUninterruptedOne()
    {
        // Interrupted inside the warm-up decay (12 forwards), between checkpoints (every 4 steps) and validations (every 5).
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.12, Steps: 12, EvaluateEvery: 5, CheckpointEvery: 4, LogEvery: 5);
        var straight = Train(Path.Combine(folder, "straight"), settings);

        var interrupted = Path.Combine(folder, "interrupted");
        using var cancel = new CancellationTokenSource();
        var first = Train(interrupted, settings, progress: p => { if (p.Step == 7) cancel.Cancel(); }, cancel: cancel.Token);
        Assert.True(first.Training.Interrupted);
        Assert.Equal(7, Checkpoint.ReadHeader(Path.Combine(interrupted, "last.ckpt")).Sampler!.Forwards);
        var resumed = Train(interrupted, settings, resume: true);

        Assert.Equal(12, resumed.Training.Steps);
        Assert.Equal(straight.Sampled, resumed.Sampled);
        Assert.Equal(straight.Fixed, resumed.Fixed);
        using var expected = SupernetCheckpoint.Load(Path.Combine(folder, "straight"), CPU);
        using var actual = SupernetCheckpoint.Load(interrupted, CPU);
        foreach (var (name, weights) in expected.state_dict())
            Assert.True(weights.eq(actual.state_dict()[name]).all().item<bool>(), name);
        Assert.Equal(Checkpoint.ReadHeader(Path.Combine(folder, "straight", "last.ckpt")).Sampler, Checkpoint.ReadHeader(Path.Combine(interrupted, "last.ckpt")).Sampler);
    }

    [Fact]
    public void TheRunEndsWithSampledAndFixedArchitectureScoresAndTheirMedian()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.12, Steps: 6, EvaluateEvery: 0);
        var result = Train(Path.Combine(folder, "final"), settings, new FinalEvaluation(Architectures: 5, ValidationBatches: 2));

        Assert.Equal(Enumerable.Range(0, 5), result.Fixed.Select(f => f.Seed));
        Assert.All(result.Fixed, f => Assert.Equal(2 * 64, f.Metrics.Count));
        Assert.Equal(result.Fixed.Select(f => f.Metrics.Logloss).Order().ElementAt(2), result.FixedMedianLogloss);
        Assert.Equal(4 * 64, result.Sampled!.Count);
        Assert.Equal(Path.Combine(folder, "final", SupernetTraining.CheckpointName), result.Checkpoint);
        Assert.False(File.Exists(Path.Combine(folder, "final", "best.ckpt")));
        // The fixed architectures are redrawn from their seeds: the loaded checkpoint scores them alike.
        using var supernet = SupernetCheckpoint.Load(result.Checkpoint, CPU);
        var (space, _) = Source.Resolve();
        var choice = SupernetTraining.FixedArchitecture(space, 3);
        Assert.True(choice.IsSingleOperator);
        var score = Evaluator.Evaluate((dense, ids) => supernet.Forward(dense, ids, choice), Data().Validation!().Take(2), CPU);
        Assert.Equal(result.Fixed[3].Metrics, score);
    }

    [Fact]
    public void LoadingASubnetCheckpointAsASupernetFailsClearly()
    {
        var path = Path.Combine(folder, "subnet.ckpt");
        var subnet = new SubnetSource("kind: Architecture", "kind: SearchSpace", "kind: Dataset", TableCap: null);
        using var model = new TinyCtrModel(seed: 1);
        Checkpoint.Save(path, new CheckpointHeader(subnet, new TrainingSettings(32, 0.1), TrainingPosition.Start, ""), model, optimizer: null);

        var error = Assert.Throws<InvalidDataException>(() => SupernetCheckpoint.Load(path, CPU));

        Assert.Contains("holds a subnet, not a supernet", error.Message);
    }

    private static SupernetTrainingResult Train(
        string run, TrainingSettings settings, FinalEvaluation? evaluation = null, bool resume = false,
        Action<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        using var folder = new RunFolder(run);
        using var training = new SupernetTraining(Source, settings, Data(), folder, CPU, evaluation ?? new FinalEvaluation(Architectures: 2, ValidationBatches: 2));
        return training.Run(resume, progress, cancel: cancel);
    }

    /// <summary>Seeded batches of 32 rows (20 batches an epoch), validation 4 batches of 64.</summary>
    private static TrainingData Data()
    {
        IEnumerable<Batch> Train(int epoch, long skip)
        {
            for (int i = (int)skip; i < 20; i++) yield return Batch(1000 * epoch + i, 32);
        }
        IEnumerable<Batch> Validation() => Enumerable.Range(0, 4).Select(i => Batch(500 + i, 64));
        return new TrainingData(20, Train, Validation, Test: null);
    }

    private static Batch Batch(int seed, int size)
    {
        var generator = new Generator((ulong)seed);
        var dense = rand(new long[] { size, 13 }, generator: generator);
        var ids = randint(50, new long[] { size, 26 }, generator: generator);
        using Scalar half = 0.5f.ToScalar(), noise = 0.3f.ToScalar(), threshold = 0.9f.ToScalar();
        var label = dense[.., 0].Plus(ids[.., 1].remainder(Scalars.Two).to(float32).mul(half))
            .Plus(randn(new long[] { size }, generator: generator).mul(noise)).gt(threshold).to(float32).unsqueeze(1);
        return new Batch(dense, ids, label);
    }

    /// <summary>NASRec-Full cut to three blocks of widths 8-16 and 4-8 tokens, with a 12-forward warm-up; Criteo with 50-row tables.</summary>
    private static SupernetSource TinySource()
    {
        string root = typeof(SupernetTrainingTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var space = File.ReadAllText(Path.Combine(root, "spaces", "nasrec-full.space.yaml"))
            .Replace("name: NasRecFull", "name: Tiny").Replace("blocks: 7", "blocks: 3")
            .Replace("denseWidths: [16, 32, 64, 128, 256, 512, 768, 1024]", "denseWidths: [8, 16]")
            .Replace("sparseTokens: [16, 32, 48, 64]", "sparseTokens: [4, 8]")
            .Replace("warmupSteps: 15000", "warmupSteps: 12");
        var dataset = Regex.Replace(File.ReadAllText(Path.Combine(root, "spaces", "datasets", "criteo.dataset.yaml")), @"tableSize: (\d+)", "tableSize: 50");
        var sampling = new SamplingDefaults(SamplingStrategy.Default, ConnectionCount.Binomial, 12);
        return new SupernetSource(space, dataset, new SupernetOptions(TableCap: null), sampling);
    }
}
