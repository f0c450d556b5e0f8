using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>The dense <c>zeros</c> operator: <c>[B, d]</c> zeros on the input's device and dtype, for any input <c>[B, …]</c>.</summary>
public sealed class DenseZeros : nn.Module<Tensor, Tensor>, IElasticOperator
{
    private readonly long width;

    public DenseZeros(long width) : base(nameof(DenseZeros))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        this.width = width;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => zeros([input.shape[0], width], input.dtype, input.device);

    /// <summary>Supernet mode: the shared zero block (never written to).</summary>
    public Tensor Forward(ElasticInputs inputs) => ConstantCache.Zeros([inputs.Batch, width], inputs.Dense.Dtype, inputs.Dense.Device);
}
