using System.Text.Json.Nodes;
using CsCheck;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Training;

[Collection(nameof(GlobalGeneratorCollection))]
public sealed class TrainerTests : IDisposable
{
    private static readonly ModelSource Source = new SubnetSource("kind: Architecture", "kind: SearchSpace", "kind: Dataset", TableCap: null);
    private readonly string folder = Directory.CreateTempSubdirectory("nasrec-trainer-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(17)]
    [InlineData(14)] // a validation step: the resumed run must not validate again
    public void AResumedRunEndsWithBitIdenticalWeightsToAnUninterruptedOne(int stopAt)
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.2, Epochs: 2, EvaluateEvery: 7, CheckpointEvery: 4, LogEvery: 5);
        var straight = Train(Path.Combine(folder, "straight"), settings, Data(batches: 15));

        var interruptedFolder = Path.Combine(folder, "interrupted");
        using var cancel = new CancellationTokenSource();
        var first = Train(interruptedFolder, settings, Data(batches: 15), progress: p => { if (p.Step == stopAt) cancel.Cancel(); }, cancel: cancel.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(stopAt, first.Steps);
        var resumed = Train(interruptedFolder, settings, Data(batches: 15), resume: true, modelSeed: 99);

        Assert.Equal(30, resumed.Steps);
        Assert.Equal(straight.Test, resumed.Test);
        Assert.Equal(straight.BestStep, resumed.BestStep);
        using var expected = new TinyCtrModel(seed: 1);
        using var actual = new TinyCtrModel(seed: 2);
        Checkpoint.Load(Path.Combine(folder, "straight", "last.ckpt"), expected, optimizer: null);
        Checkpoint.Load(Path.Combine(interruptedFolder, "last.ckpt"), actual, optimizer: null);
        foreach (var (name, weights) in expected.state_dict())
            Assert.True(weights.eq(actual.state_dict()[name]).all().item<bool>(), name);
        // Each validation is logged once, with the values of the uninterrupted run.
        Assert.Equal(Evaluations(Path.Combine(folder, "straight")), Evaluations(interruptedFolder));
    }

    [Fact]
    public void TheTestMetricsAreThoseOfTheBestValidationCheckpoint()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.5, Epochs: 1, EvaluateEvery: 3);
        var result = Train(Path.Combine(folder, "best"), settings, Data(batches: 15));

        var validations = File.ReadLines(Path.Combine(folder, "best", "metrics.jsonl"))
            .Select(line => JsonNode.Parse(line)!).Where(n => (string)n["split"]! == "val").ToList();
        Assert.Equal(new long[] { 3, 6, 9, 12, 15 }, validations.Select(n => (long)n["step"]!));
        var best = validations.MinBy(n => (double)n["logloss"]!)!;
        Assert.Equal((long)best["step"]!, result.BestStep);
        Assert.Equal(Path.Combine(folder, "best", "best.ckpt"), result.Checkpoint);
        using var model = new TinyCtrModel(seed: 3);
        Checkpoint.Load(result.Checkpoint, model, optimizer: null);
        Assert.Equal(result.Test, Evaluator.Evaluate(model, Data(15).Test!(), CPU));
    }

    [Fact]
    public void WithTheDefaultsARunNeverEndsWorseOnTestThanItsBestValidationModel()
    {
        // Small runs of every cadence, rate (high ones overfit or diverge late), patience and length: the model tested
        // is the one of the best validation, whatever the last model, the early stop or the epoch ends did.
        var runs = Gen.Select(Gen.Int[1, 1000], Gen.Double[0.05, 2.0], Gen.Int[1, 6], Gen.Int[0, 3], Gen.Int[1, 2]);
        int run = 0;
        runs.Sample((seed, rate, evaluateEvery, patience, epochs) =>
        {
            var settings = new TrainingSettings(BatchSize: 32, LearningRate: rate, Epochs: epochs, EvaluateEvery: evaluateEvery,
                Patience: patience == 0 ? null : patience, Seed: seed);
            var data = Data(batches: 12);
            var testLogloss = new Dictionary<long, double>();
            using var model = new TinyCtrModel(seed);
            using var runFolder = new RunFolder(Path.Combine(folder, "property" + run++));
            using var trainer = new Trainer(model, Source, settings, data, runFolder, CPU);

            // Every step's model, on test: validation happens after a step's progress report, on the same weights.
            var result = trainer.Run(resume: false, progress => testLogloss[progress.Step] = Evaluator.Evaluate(model, data.Test!(), CPU).Logloss);

            var validations = File.ReadLines(Path.Combine(runFolder.Directory, "metrics.jsonl")).Select(line => JsonNode.Parse(line)!)
                .Where(n => (string)n["split"]! == "val").Select(n => (Step: (long)n["step"]!, Logloss: (double)n["logloss"]!)).ToList();
            var best = validations.MinBy(v => v.Logloss);
            Assert.Equal(best.Step, result.BestStep);
            Assert.Equal(testLogloss[best.Step], result.Test!.Logloss);
        }, iter: 8, threads: 1);
    }

    [Fact]
    public void PatienceStopsAfterThatManyValidationsWithoutImprovement()
    {
        // A zero learning rate never improves on the first validation.
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0, Schedule: ScheduleKind.ConstantNoWarmup, EvaluateEvery: 3, Patience: 2);
        var result = Train(Path.Combine(folder, "patience"), settings, Data(batches: 15));

        Assert.True(result.StoppedEarly);
        Assert.Equal(9, result.Steps);
        Assert.Equal(3, result.BestStep);
    }

    [Fact]
    public void ANonFiniteLossStopsNamingTheStepAndLeavesTheLastGoodCheckpoint()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.1, CheckpointEvery: 4);
        var data = Data(batches: 15, poisonedBatch: 9);
        var run = Path.Combine(folder, "nan");

        var error = Assert.Throws<TrainingDivergedException>(() => Train(run, settings, data));

        Assert.Contains("at step 9", error.Message);
        Assert.Contains("step 8", error.Message);
        using var model = new TinyCtrModel(seed: 4);
        using var optimizer = new RowSparseAdagrad(model);
        var header = Checkpoint.Load(Path.Combine(run, "last.ckpt"), model, optimizer);
        Assert.Equal(8, header.Position.Step);
        Assert.True(model.parameters().All(p => p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void APartialBatchAdvancesTheScheduleWithoutAStep()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.1, ReferenceRecipe: true, LogEvery: 1);
        var result = Train(Path.Combine(folder, "partial"), settings, Data(batches: 4));

        Assert.Equal(4, result.Steps);
        var trainSteps = File.ReadLines(Path.Combine(folder, "partial", "metrics.jsonl"))
            .Select(line => JsonNode.Parse(line)!).Where(n => (string)n["split"]! == "train").Select(n => (long)n["step"]!);
        // The last batch (20 rows) is partial: no loss is logged for step 4.
        Assert.Equal(new long[] { 1, 2, 3 }, trainSteps);
        Assert.Equal(Path.Combine(folder, "partial", "last.ckpt"), result.Checkpoint);
    }

    [Fact]
    public void EveryStepTrainsAtTheRateOfTheSettingsSchedule()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.2, LogEvery: 1, WarmupSteps: 5);
        Train(Path.Combine(folder, "rates"), settings, Data(batches: 11));

        var schedule = settings.ScheduleFor(11);
        Assert.Equal(5, schedule.WarmupSteps);
        var rates = File.ReadLines(Path.Combine(folder, "rates", "metrics.jsonl")).Select(line => JsonNode.Parse(line)!)
            .Where(n => (string)n["split"]! == "train").Select(n => ((long)n["step"]!, (double)n["lr"]!)).ToList();
        Assert.Equal(10, rates.Count);
        Assert.All(rates, r => Assert.Equal(schedule.At(r.Item1 - 1), r.Item2, 12));
    }

    [Fact]
    public void ARunResumesOnlyOnTheRowsItStartedOn()
    {
        var settings = new TrainingSettings(BatchSize: 32, LearningRate: 0.2, CheckpointEvery: 4);
        var run = Path.Combine(folder, "fingerprinted");
        using var cancel = new CancellationTokenSource();
        Train(run, settings, Data(batches: 15) with { Fingerprint = "rows-a" }, progress: p => { if (p.Step == 6) cancel.Cancel(); }, cancel: cancel.Token);

        var error = Assert.Throws<DataException>(() => Train(run, settings, Data(batches: 15) with { Fingerprint = "rows-b" }, resume: true));

        Assert.Contains("was trained on other rows than the store given holds", error.Message);
        Assert.Equal(15, Train(run, settings, Data(batches: 15) with { Fingerprint = "rows-a" }, resume: true).Steps);
    }

    private static List<string> Evaluations(string run) => File.ReadLines(Path.Combine(run, "metrics.jsonl"))
        .Where(line => !line.Contains("\"train\"")).ToList();

    private static TrainingResult Train(
        string run, TrainingSettings settings, TrainingData data, bool resume = false, long modelSeed = 7,
        Action<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        using var model = new TinyCtrModel(modelSeed);
        using var folder = new RunFolder(run);
        using var trainer = new Trainer(model, Source, settings, data, folder, CPU);
        return trainer.Run(resume, progress, cancel);
    }

    /// <summary>Seeded batches of 32 rows, the last of each epoch partial (20 rows); each epoch reads other rows.</summary>
    private static TrainingData Data(int batches, int? poisonedBatch = null)
    {
        IEnumerable<Batch> Train(int epoch, long skip)
        {
            for (int i = (int)skip; i < batches; i++)
            {
                var batch = TinyCtrModel.RandomBatch(new Generator((ulong)(1000 * epoch + i)), i == batches - 1 ? 20 : 32);
                if (i == poisonedBatch)
                {
                    using var infinity = float.PositiveInfinity.ToScalar();
                    batch.Dense.fill_(infinity);
                }
                yield return batch;
            }
        }
        IEnumerable<Batch> Fixed(int seed) => Enumerable.Range(0, 4).Select(i => TinyCtrModel.RandomBatch(new Generator((ulong)(seed + i)), 64));
        return new TrainingData(batches, Train, () => Fixed(500), () => Fixed(600));
    }
}
