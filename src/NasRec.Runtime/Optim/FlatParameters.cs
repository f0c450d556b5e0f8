using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Optim;

/// <summary>
/// Dense parameters whose values, gradients and Adagrad accumulators are views of one flat buffer each, so that
/// clipping and the update are a handful of whole-buffer operations rather than a few per parameter: a subnet has
/// dozens of small parameters, whose per-operation overhead costs more than their arithmetic. Backward adds into the
/// gradient views in place (a defined gradient is accumulated, not replaced), so the parameters' <c>grad</c> must stay
/// attached: <see cref="ZeroGradients"/> zeroes them instead of dropping them. A parameter no batch reaches keeps a
/// zero gradient, which leaves its accumulator and weight exactly unchanged, as a skipped one would be.
/// </summary>
internal sealed class FlatParameters : IDisposable
{
    private readonly Tensor values;
    private readonly Tensor gradients;
    private readonly Tensor accumulators;
    private readonly List<(string Name, Tensor Accumulator)> views = new();

    /// <param name="parameters">Parameters of one dtype on one device; their current values are kept.</param>
    /// <param name="initialAccumulator">The value the accumulators start from.</param>
    public FlatParameters(IReadOnlyList<(string Name, Parameter Parameter)> parameters, double initialAccumulator)
    {
        var first = parameters[0].Parameter;
        if (parameters.Any(p => p.Parameter.dtype != first.dtype || p.Parameter.device_type != first.device_type || p.Parameter.device_index != first.device_index))
            throw new ArgumentException("Flat parameters must share one dtype and one device.", nameof(parameters));
        long total = parameters.Sum(p => p.Parameter.numel());
        values = empty(total, first.dtype, first.device).DetachFromDisposeScope();
        gradients = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        using var initial = initialAccumulator.ToScalar();
        accumulators = full(total, initial, first.dtype, first.device).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var (name, parameter) in parameters)
        {
            long size = parameter.numel();
            var value = values.narrow(0, offset, size).view(parameter.shape);
            value.copy_(parameter);
            parameter.set_(value);
            // The parameter holds its gradient view from here on; this handle goes with the scope.
            parameter.grad = gradients.narrow(0, offset, size).view(parameter.shape);
            views.Add((name, accumulators.narrow(0, offset, size).view(parameter.shape).DetachFromDisposeScope()));
            offset += size;
        }
    }

    /// <summary>The accumulators by parameter name (views of the flat one).</summary>
    public IReadOnlyList<(string Name, Tensor Accumulator)> Accumulators => views;

    /// <summary>All gradients as one tensor.</summary>
    public Tensor Gradients => gradients;

    /// <summary>Adagrad over every parameter, each gradient taken times <paramref name="gradientScale"/>.</summary>
    public void Step(double learningRate, float gradientScale)
    {
        AdagradUpdate.Apply(values, accumulators, gradients, learningRate, RowSparseAdagrad.Epsilon, gradientScale);
    }

    public void ZeroGradients() => gradients.zero_();

    public void Dispose()
    {
        foreach (var (_, accumulator) in views) accumulator.Dispose();
        values.Dispose();
        gradients.Dispose();
        accumulators.Dispose();
    }
}
