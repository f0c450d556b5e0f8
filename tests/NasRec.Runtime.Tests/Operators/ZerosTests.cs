using NasRec.Runtime.Operators;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

public sealed class ZerosTests
{
    [Fact]
    public void DenseZerosKeepsTheBatchAndDtypeOfItsInput()
    {
        using var scope = NewDisposeScope();
        using var zerosOperator = new DenseZeros(32);
        var output = zerosOperator.call(randn(4, 26, 16, dtype: float64));
        OperatorAssert.Shape(output, 4, 32);
        Assert.Equal(float64, output.dtype);
        OperatorAssert.AllEqual(output, 0);
        Assert.Empty(zerosOperator.state_dict());
    }

    [Fact]
    public void SparseZerosKeepsTheBatchAndDtypeOfItsInput()
    {
        using var scope = NewDisposeScope();
        using var zerosOperator = new SparseZeros(48, 16);
        var output = zerosOperator.call(randn(4, 13));
        OperatorAssert.Shape(output, 4, 48, 16);
        Assert.Equal(float32, output.dtype);
        OperatorAssert.AllEqual(output, 0);
        Assert.Empty(zerosOperator.state_dict());
    }
}
