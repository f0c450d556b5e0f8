using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>Builds a block's fixed-width operators from its derived shape (the generator emits the same calls).</summary>
internal sealed class OperatorFactory(int embeddingDim, bool layerNorm, Activation activation)
{
    public nn.Module Dense(BlockShape shape)
    {
        var dense = shape.Block.Dense;
        return dense.Operator switch
        {
            DenseOperator.Fc => new FcOperator(shape.DenseInWidth, dense.Width, layerNorm, activation),
            DenseOperator.DotProduct => new DotProductOperator(shape.DenseInWidth, shape.TokensIn, dense.Width, embeddingDim, layerNorm),
            DenseOperator.Sum => new SumOperator(shape.LeftWidth, shape.RightWidth, dense.Width, layerNorm),
            DenseOperator.SigmoidGating => new SigmoidGatingOperator(shape.LeftWidth, shape.RightWidth, dense.Width, layerNorm),
            _ => new DenseZeros(dense.Width),
        };
    }

    public nn.Module Sparse(BlockShape shape)
    {
        var sparse = shape.Block.Sparse;
        return sparse.Operator switch
        {
            SparseOperator.Transformer => new TransformerOperator(shape.TokensIn, sparse.Tokens, embeddingDim, layerNorm),
            SparseOperator.Efc => new EfcOperator(shape.TokensIn, sparse.Tokens, layerNorm, activation),
            _ => new SparseZeros(sparse.Tokens, embeddingDim),
        };
    }

    public FactorizationMachine Fm(BlockShape shape) => new(embeddingDim, shape.Block.Dense.Width, layerNorm);

    public DenseToSparseMerger Merger(BlockShape shape) => new(shape.Block.Dense.Width, embeddingDim, layerNorm);
}
