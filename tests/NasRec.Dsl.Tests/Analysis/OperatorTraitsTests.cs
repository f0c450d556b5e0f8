using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Tests.Analysis;

/// <summary>The one table of operator knowledge: what each operator reads, and loud failure outside it.</summary>
public sealed class OperatorTraitsTests
{
    [Theory]
    [InlineData(DenseOperator.Fc, OperatorReads.DenseInputs)]
    [InlineData(DenseOperator.DotProduct, OperatorReads.DenseInputs | OperatorReads.SparseInputs)]
    [InlineData(DenseOperator.Sum, OperatorReads.LeftRight)]
    [InlineData(DenseOperator.SigmoidGating, OperatorReads.LeftRight)]
    [InlineData(DenseOperator.Zeros, OperatorReads.Nothing)]
    public void DenseOperatorsReadWhatSection24Says(DenseOperator op, OperatorReads reads)
    {
        Assert.Equal(reads, OperatorTraits.Of(op).Reads);
    }

    [Theory]
    [InlineData(SparseOperator.Transformer, OperatorReads.SparseInputs)]
    [InlineData(SparseOperator.Efc, OperatorReads.SparseInputs)]
    [InlineData(SparseOperator.Zeros, OperatorReads.Nothing)]
    public void SparseOperatorsReadWhatSection24Says(SparseOperator op, OperatorReads reads)
    {
        Assert.Equal(reads, OperatorTraits.Of(op).Reads);
    }

    [Theory]
    [InlineData(DenseOperator.DotProduct, SparseOperator.Zeros, true)]
    [InlineData(DenseOperator.Fc, SparseOperator.Efc, true)]
    [InlineData(DenseOperator.Fc, SparseOperator.Zeros, false)]
    public void ABlockReadsSparseInputsWhenItsSparseOperatorOrDotProductDoes(DenseOperator dense, SparseOperator sparse, bool reads)
    {
        var block = new Block(new DenseChoice(dense, 16, EquatableArray.Create(0), null, null), new SparseChoice(sparse, 16, EquatableArray.Create(0)), false, false);

        Assert.Equal(reads, block.ReadsSparseInputs);
    }

    [Theory]
    [InlineData(128, true, true, true)]
    [InlineData(128, false, true, false)]
    [InlineData(128, true, false, false)]
    [InlineData(64, true, true, false)]
    public void TheMergerReadsTheFmOnlyWhenBothAreOnAndTheWidthIsEightEmbeddings(int width, bool merger, bool fm, bool readsFm)
    {
        var block = new Block(new DenseChoice(DenseOperator.Fc, width, EquatableArray.Create(0), null, null), new SparseChoice(SparseOperator.Efc, 16, EquatableArray.Create(0)), merger, fm);

        Assert.Equal(readsFm, block.MergerReadsFm(embeddingDim: 16));
    }

    [Fact]
    public void AnUnknownOperatorValueThrowsInsteadOfCountingAsZeros()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OperatorTraits.Of((DenseOperator)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => OperatorTraits.Of((SparseOperator)99));
    }

    [Fact]
    public void TheAnalysisOfAnUnknownOperatorThrowsInsteadOfReportingZeroCost()
    {
        var workspace = Repository.Shipped;
        var architecture = workspace.Architectures.Single(a => a.Name == "CriteoNasRecNetSmall");
        var blocks = architecture.Blocks.ToArray();
        blocks[0] = blocks[0] with { Sparse = blocks[0].Sparse with { Operator = (SparseOperator)99 } };
        var broken = architecture with { Blocks = blocks.ToEquatableArray() };

        Assert.Throws<ArgumentOutOfRangeException>(() => ArchitectureAnalyzer.Analyze(
            broken, workspace.Catalog.Space(architecture.Space)!, workspace.Catalog.Dataset(architecture.Dataset)!));
    }
}
