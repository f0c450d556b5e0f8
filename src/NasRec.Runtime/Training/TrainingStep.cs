using NasRec.Runtime.Data;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Training;

/// <summary>
/// One optimizer step of the reference's recipe (spec §5.1): forward, BCE-with-logits (mean) plus the optional L2
/// penalty, backward, global-norm clipping, row-sparse Adagrad. Every temporary lives in one dispose scope per step.
/// </summary>
public sealed class TrainingStep : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> model;
    private readonly Device device;
    private readonly StepSettings settings;

    public TrainingStep(nn.Module<Tensor, Tensor, Tensor> model, Device device, StepSettings settings)
    {
        this.model = model;
        this.device = device;
        this.settings = settings;
        NativeHeap.RetainFreedMemory();
        Optimizer = new RowSparseAdagrad(model, settings.InitialAccumulator);
    }

    public RowSparseAdagrad Optimizer { get; }

    /// <summary>
    /// Trains on <paramref name="batch"/> at <paramref name="learningRate"/> and returns the batch's loss. A loss that is
    /// not finite is returned without updating anything, so the caller can stop with the last good weights.
    /// </summary>
    public float Run(Batch batch, double learningRate)
    {
        using var scope = NewDisposeScope();
        var logits = model.call(batch.Dense.to(device), batch.Sparse.to(device));
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, batch.Label.to(device));
        if (settings.WeightDecay != 0)
        {
            using var decay = settings.WeightDecay.ToScalar();
            loss = loss.Plus(Optimizer.SquaredWeights().mul(decay));
        }
        float value = loss.item<float>();
        if (float.IsFinite(value))
        {
            loss.backward();
            Optimizer.Step(learningRate, settings.ClipNorm);
        }
        Optimizer.ZeroGradients();
        return value;
    }

    public void Dispose() => Optimizer.Dispose();
}

/// <param name="WeightDecay">The L2 factor <c>wd</c> (the reference's scripts all use 0). It covers matrices and the
/// embedding rows a batch reads (applying it to every row each step would make the update dense).</param>
/// <param name="ClipNorm">The global gradient-norm bound (5.0 in every reference loop).</param>
/// <param name="InitialAccumulator">Adagrad's starting accumulator (the reference: 0; TensorFlow's Adagrad: 0.1).</param>
public sealed record StepSettings(double WeightDecay = 0, double ClipNorm = 5.0, double InitialAccumulator = 0);
