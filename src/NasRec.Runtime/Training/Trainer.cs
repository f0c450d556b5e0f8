using System.Diagnostics;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Store;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Optim;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>
/// Trains a model from scratch (spec §5.1), a subnet or a supernet, and writes its run folder: the schedule stepped per
/// batch, a partial batch counted but not trained on (as the reference), validation with best-checkpoint selection and
/// patience, resumable checkpoints, and the test metrics of the checkpoint it selects.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> model;
    private readonly ModelSource source;
    private readonly TrainingSettings settings;
    private readonly TrainingData data;
    private readonly RunFolder run;
    private readonly Device device;
    private readonly TrainingStep step;
    private readonly LearningRateSchedule schedule;
    private readonly PathSampling? sampling;
    private TrainingPosition position = TrainingPosition.Start;

    /// <param name="source">What rebuilds <paramref name="model"/>; every checkpoint's header carries it.</param>
    /// <param name="sampling">For a model whose forward draws a path (a supernet): its sampler and its validation.</param>
    public Trainer(
        nn.Module<Tensor, Tensor, Tensor> model, ModelSource source, TrainingSettings settings, TrainingData data, RunFolder run, Device device,
        PathSampling? sampling = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Epochs);
        this.model = model;
        this.source = source;
        this.settings = settings;
        this.data = data;
        this.run = run;
        this.device = device;
        this.sampling = sampling;
        step = new TrainingStep(model, device, new StepSettings(settings.WeightDecay, settings.ClipNorm, settings.InitialAccumulator));
        TotalSteps = settings.Steps ?? settings.Epochs * data.BatchesPerEpoch;
        if (TotalSteps <= 0) throw new ArgumentException("The run has no training batches.", nameof(data));
        schedule = settings.ScheduleFor(TotalSteps);
    }

    public long TotalSteps { get; }

    private bool UsesValidation => !settings.ReferenceRecipe;

    /// <summary>Trains to the end, to early stopping or until <paramref name="cancel"/> (which saves last.ckpt first).</summary>
    /// <param name="resume">Continue from the run folder's last.ckpt: weights, accumulators, position and RNG state.</param>
    /// <param name="progress">Called after every step.</param>
    /// <exception cref="TrainingDivergedException">The loss is not finite; the checkpoints on disk are left as they were.</exception>
    public TrainingResult Run(bool resume, Action<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (resume) Resume();
        else run.WriteJson(run.SettingsFile, new { Model = source, Settings = settings });

        var clock = new Stopwatch();
        long samples = 0, firstStep = position.Step;
        bool stoppedEarly = false;
        while (position.Step < TotalSteps && position.Epoch < settings.Epochs && !stoppedEarly && !cancel.IsCancellationRequested)
        {
            bool epochDone = true;
            double lossSum = 0;
            int losses = 0;
            foreach (var batch in data.Train(position.Epoch, position.BatchInEpoch))
            {
                clock.Start();
                double rate = schedule.At(position.Step);
                float loss = float.NaN;
                // The reference forwards a partial batch without a step, which changes nothing: it is skipped here,
                // and the schedule and the step count still advance as there.
                if (batch.Size == settings.BatchSize)
                {
                    loss = step.Run(batch, rate);
                    if (!float.IsFinite(loss)) throw Diverged(loss);
                    lossSum += loss;
                    losses++;
                    samples += batch.Size;
                }
                position = position with { Step = position.Step + 1, BatchInEpoch = position.BatchInEpoch + 1 };
                clock.Stop();

                if (position.Step % settings.LogEvery == 0 && losses > 0)
                {
                    run.Log("train", position.Step, new[] { ("loss", lossSum / losses), ("lr", rate) });
                    (lossSum, losses) = (0, 0);
                }
                if (UsesValidation && settings.EvaluateEvery > 0 && position.Step % settings.EvaluateEvery == 0)
                    stoppedEarly = Validate();
                if (settings.CheckpointEvery > 0 && position.Step % settings.CheckpointEvery == 0) SaveLast();
                progress?.Invoke(new TrainingProgress(position.Step, TotalSteps, position.Epoch, loss, rate, samples / clock.Elapsed.TotalSeconds,
                    clock.Elapsed / (position.Step - firstStep) * (TotalSteps - position.Step)));
                if (stoppedEarly || cancel.IsCancellationRequested || position.Step >= TotalSteps)
                {
                    epochDone = false;
                    break;
                }
            }
            if (epochDone)
            {
                position = position with { Epoch = position.Epoch + 1, BatchInEpoch = 0 };
                if (UsesValidation && !EvaluatedAtThisStep()) stoppedEarly = Validate();
            }
        }
        double samplesPerSecond = samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        bool interrupted = cancel.IsCancellationRequested && position.Step < TotalSteps && !stoppedEarly;
        if (!interrupted && UsesValidation && !EvaluatedAtThisStep()) Validate();
        SaveLast();
        if (interrupted)
            return new TrainingResult(position.Step, true, false, position.BestStep, position.BestValidation, null, samplesPerSecond, run.LastCheckpoint);

        var tested = UsesValidation && settings.KeepBest && position.BestStep is not null ? run.BestCheckpoint : run.LastCheckpoint;
        BinaryMetrics? test = null;
        if (data.Test is not null)
        {
            if (tested == run.BestCheckpoint) Checkpoint.Load(tested, model, optimizer: null);
            test = Evaluator.Evaluate(model, data.Test(), device);
            run.Log("test", position.BestStep ?? position.Step, MetricValues(test));
        }
        var result = new TrainingResult(position.Step, false, stoppedEarly, position.BestStep, position.BestValidation, test, samplesPerSecond, tested);
        run.WriteJson(run.SummaryFile, result);
        return result;
    }

    public void Dispose() => step.Dispose();

    private void Resume()
    {
        if (!File.Exists(run.LastCheckpoint)) throw new FileNotFoundException($"{run.Directory} has no last.ckpt to resume from.", run.LastCheckpoint);
        var header = Checkpoint.Load(run.LastCheckpoint, model, step.Optimizer);
        if (header.Data is { } trained && data.Fingerprint is { } given && trained != given)
        {
            throw new DataException(
                $"{run.Directory} was trained on other rows than the store given holds (fingerprint {StoreManifest.Short(trained)}, not {StoreManifest.Short(given)}): " +
                "a run resumes only on the data it started on, to end as it would have");
        }
        position = header.Position;
        if (sampling is not null)
            sampling.Sampler.State = header.Sampler ?? throw new InvalidDataException($"{run.LastCheckpoint} holds no path sampler state to resume from.");
        set_rng_state(tensor(Convert.FromBase64String(header.RngState), uint8));
        run.TruncateMetricsAfter(position.Step);
    }

    /// <summary>Evaluates on val, keeps the best weights, and says whether patience has run out.</summary>
    private bool Validate()
    {
        var metrics = sampling is null ? Evaluator.Evaluate(model, data.Validation!(), device) : sampling.Validate(data.Validation!());
        run.Log("val", position.Step, MetricValues(metrics));
        position = position with { ValidatedStep = position.Step };
        if (position.BestValidation is null || metrics.Logloss < position.BestValidation.Logloss)
        {
            position = position with { BestValidation = metrics, BestStep = position.Step, EvaluationsWithoutImprovement = 0 };
            if (settings.KeepBest) Checkpoint.Save(run.BestCheckpoint, Header(), model, optimizer: null);
        }
        else
        {
            position = position with { EvaluationsWithoutImprovement = position.EvaluationsWithoutImprovement + 1 };
        }
        return position.EvaluationsWithoutImprovement >= (settings.Patience ?? int.MaxValue);
    }

    private bool EvaluatedAtThisStep() => position.ValidatedStep == position.Step;

    private void SaveLast() => Checkpoint.Save(run.LastCheckpoint, Header(), model, step.Optimizer);

    private CheckpointHeader Header()
    {
        using var state = get_rng_state();
        return new CheckpointHeader(source, settings, position, Convert.ToBase64String(state.data<byte>().ToArray()), Sampler: sampling?.Sampler.State,
            Data: data.Fingerprint);
    }

    private TrainingDivergedException Diverged(float loss)
    {
        var last = File.Exists(run.LastCheckpoint)
            ? $"the last good checkpoint is {run.LastCheckpoint} (step {Checkpoint.ReadHeader(run.LastCheckpoint).Position.Step})"
            : "no checkpoint had been written yet";
        return new TrainingDivergedException(
            $"The training loss is {loss} at step {position.Step}: training stopped; {last}. A lower --lr usually helps.");
    }

    private static IEnumerable<(string, double)> MetricValues(BinaryMetrics metrics) => new[]
    {
        ("logloss", metrics.Logloss), ("auc", metrics.Auc), ("accuracy", metrics.Accuracy),
        ("ne", metrics.NormalizedEntropy), ("calibration", metrics.Calibration), ("count", (double)metrics.Count),
    };
}
