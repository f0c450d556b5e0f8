using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>The sparse <c>zeros</c> operator: <c>[B, s, E]</c> zeros on the input's device and dtype, for any input <c>[B, …]</c>.</summary>
public sealed class SparseZeros : nn.Module<Tensor, Tensor>, IElasticOperator
{
    private readonly long tokens;
    private readonly long embeddingDim;

    public SparseZeros(long tokens, long embeddingDim) : base(nameof(SparseZeros))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        this.tokens = tokens;
        this.embeddingDim = embeddingDim;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        zeros([input.shape[0], tokens, embeddingDim], input.dtype, input.device);

    /// <summary>Supernet mode: the shared zero block (never written to), transposed, <c>[B, E, s]</c>.</summary>
    public Tensor Forward(ElasticInputs inputs) =>
        ConstantCache.Zeros([inputs.Batch, embeddingDim, tokens], inputs.Tokens.Dtype, inputs.Tokens.Device);
}
