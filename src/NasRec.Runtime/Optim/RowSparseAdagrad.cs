using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Optim;

/// <summary>
/// Adagrad as the reference configures it (spec §5.1: eps 1e-2, initial accumulator 0, no decay) over all of a
/// model's parameters, <c>G += g²; θ -= lr · g / (√G + eps)</c>, with global-norm clipping. Its
/// <see cref="SparseEmbedding"/> tables are updated row-sparsely: only the rows a batch read have their gradient,
/// accumulator and weight touched. Rows a batch did not read have a zero gradient in the reference's dense update,
/// which leaves their accumulator and weight unchanged, so the result is the same. For the same reason the weights of
/// a model with <see cref="IGradientSlicing"/> (the supernet) are updated through the <see cref="GradientSlices"/> it read.
/// </summary>
public sealed class RowSparseAdagrad : IDisposable
{
    public const double Epsilon = 1e-2;

    /// <summary>Clipping adds this to the norm before dividing, as <c>clip_grad_norm_</c> does.</summary>
    private static readonly Scalar ClipEpsilon = 1e-6.ToScalar();

    private readonly nn.Module model;
    private readonly FlatParameters? flat;
    private readonly List<DenseSlot> dense = new();
    private readonly List<TableSlot> tables = new();
    private readonly List<GradientSlices> slicings = new();
    private readonly Dictionary<IntPtr, Tensor> accumulators;
    private readonly List<Parameter> matrices;

    /// <summary>
    /// Takes over the update of <paramref name="model"/>'s parameters (move the model to its device first). The dense
    /// parameters of a model without gradient slicing become views of one flat buffer (<see cref="FlatParameters"/>);
    /// a supernet's stay apart, since a step updates only the blocks of them a path read.
    /// </summary>
    /// <param name="initialAccumulator">The value every accumulator <c>G</c> starts from: 0 in the reference (spec §5.1).</param>
    public RowSparseAdagrad(nn.Module model, double initialAccumulator = 0)
    {
        this.model = model;
        using var initial = initialAccumulator.ToScalar();
        var tableHandles = new HashSet<IntPtr>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not SparseEmbedding embedding) continue;
            embedding.RowSparseGradients = true;
            tableHandles.Add(embedding.Weight.Handle);
            tables.Add(new TableSlot(Prefixed(name, "weight"), embedding, full_like(embedding.Weight, initial).DetachFromDisposeScope()));
        }
        foreach (var module in model.modules().Prepend(model))
        {
            if (module is not IGradientSlicing slicing) continue;
            slicing.GradientSlices = new GradientSlices();
            slicings.Add(slicing.GradientSlices);
        }
        var trained = model.named_parameters().Where(p => p.parameter.requires_grad && !tableHandles.Contains(p.parameter.Handle)).ToList();
        if (slicings.Count == 0 && trained.Count > 0) flat = new FlatParameters(trained, initialAccumulator);
        else dense.AddRange(trained.Select(p => new DenseSlot(p.name, p.parameter, full_like(p.parameter, initial).DetachFromDisposeScope())));
        accumulators = dense.ToDictionary(slot => slot.Parameter.Handle, slot => slot.Accumulator);
        matrices = trained.Select(p => p.parameter).Where(p => p.dim() > 1).ToList();
    }

    /// <summary>The accumulators <c>G</c> by parameter name, for checkpoints (live tensors: load into them in place).</summary>
    public IEnumerable<(string Name, Tensor Accumulator)> Accumulators =>
        (flat?.Accumulators ?? []).Concat(dense.Select(slot => (slot.Name, slot.Accumulator))).Concat(tables.Select(slot => (slot.Name, slot.Accumulator)));

    /// <summary><c>Σ ‖W‖²</c> over the weights an L2 penalty covers: matrices and the embedding rows this batch read.</summary>
    public Tensor SquaredWeights()
    {
        var terms = matrices.Select(matrix => matrix.pow(Scalars.Two).sum())
            .Concat(tables.Select(slot => Touched(slot).Rows.pow(Scalars.Two).sum()));
        return stack(terms.ToArray()).sum();
    }

    /// <summary>
    /// One update at <paramref name="learningRate"/> with the gradients clipped to <paramref name="clipNorm"/>: every
    /// gradient is scaled by <c>clipNorm / (‖g‖ + 1e-6)</c> when that is below 1, where ‖g‖ is the L2 norm over all
    /// gradients (the touched rows' gradient has the norm of the dense one), as <c>clip_grad_norm_</c> does. The scaling
    /// happens inside the update's one pass over each block (<see cref="AdagradUpdate"/>), not as a pass of its own.
    /// </summary>
    public void Step(double learningRate, double clipNorm)
    {
        // A scope of its own: the caller's loop may have none, and an unheld temporary could be finalized mid-call.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        float scale = ClipScale(clipNorm);
        flat?.Step(learningRate, scale);
        foreach (var slot in dense)
        {
            using var gradient = slot.Parameter.grad;
            if (gradient is null) continue;
            AdagradUpdate.Apply(slot.Parameter, slot.Accumulator, gradient, learningRate, Epsilon, scale);
        }
        foreach (var slice in slicings.SelectMany(s => s.Slices))
        {
            var gradient = slice.Leaf!.grad;
            if (gradient is null) continue;
            using var accumulator = slice.Of(accumulators[slice.Weight.Handle]);
            using var weight = slice.Of(slice.Weight);
            AdagradUpdate.Apply(weight, accumulator, gradient, learningRate, Epsilon, scale);
        }
        foreach (var slot in tables)
        {
            var touched = Touched(slot);
            using var gradient = touched.Rows.grad;
            if (gradient is null) continue;
            using var accumulator = slot.Accumulator.index_select(0, touched.Ids);
            // Rows holds the values the forward read, which no one has changed since.
            using var rows = touched.Rows.detach();
            AdagradUpdate.Apply(rows, accumulator, gradient, learningRate, Epsilon, scale);
            slot.Accumulator.index_copy_(0, touched.Ids, accumulator);
            slot.Table.Weight.index_copy_(0, touched.Ids, rows);
        }
    }

    /// <summary>The factor clipping scales every gradient by: <c>maxNorm / (‖g‖ + 1e-6)</c>, at most 1.</summary>
    private float ClipScale(double maxNorm)
    {
        using var scope = NewDisposeScope();
        // The norm of the per-tensor norms, as clip_grad_norm_ computes it, with the flat buffer's parameters as one tensor
        // (the same norm, in one operation instead of one per parameter).
        var gradients = (flat is null ? [] : new[] { flat.Gradients }).Concat(SeparateGradients());
        var norm = stack(gradients.Select(g => g.norm()).ToArray()).norm();
        using var bound = maxNorm.ToScalar();
        // bound / (norm + eps) as TorchSharp's and PyTorch's operators compute a number over a tensor: a reciprocal, then a product.
        return norm.add(ClipEpsilon, Scalars.One).reciprocal().mul(bound).clamp_max(Scalars.One).item<float>();
    }

    /// <summary>Drops this step's gradients: the dense ones and the touched rows.</summary>
    public void ZeroGradients()
    {
        if (flat is null) model.zero_grad();
        else flat.ZeroGradients();
        foreach (var slot in tables) slot.Table.ReleaseTouched();
        foreach (var slicing in slicings) slicing.Release();
    }

    public void Dispose()
    {
        flat?.Dispose();
        foreach (var slot in dense) slot.Accumulator.Dispose();
        foreach (var slot in tables)
        {
            slot.Accumulator.Dispose();
            slot.Table.ReleaseTouched();
        }
        foreach (var slicing in slicings) slicing.Release();
    }

    /// <summary>The gradients outside the flat buffer: a supernet's dense ones, the touched rows, the weight blocks.</summary>
    private IEnumerable<Tensor> SeparateGradients()
    {
        foreach (var slot in dense)
        {
            var gradient = slot.Parameter.grad;
            if (gradient is not null) yield return gradient;
        }
        foreach (var slot in tables)
        {
            var gradient = Touched(slot).Rows.grad;
            if (gradient is not null) yield return gradient;
        }
        foreach (var slice in slicings.SelectMany(s => s.Slices))
        {
            var gradient = slice.Leaf!.grad;
            if (gradient is not null) yield return gradient;
        }
    }

    private static TouchedRows Touched(TableSlot slot) =>
        slot.Table.Touched ?? throw new InvalidOperationException(
            $"Embedding '{slot.Name}' has no touched rows: run a forward with gradients enabled before the optimizer.");

    private static string Prefixed(string module, string parameter) => module.Length == 0 ? parameter : module + "." + parameter;

    private sealed record DenseSlot(string Name, Parameter Parameter, Tensor Accumulator);

    private sealed record TableSlot(string Name, SparseEmbedding Table, Tensor Accumulator);
}
