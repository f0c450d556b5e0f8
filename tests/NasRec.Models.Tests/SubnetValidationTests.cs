using NasRec.Dsl.Model;
using NasRec.Runtime.Subnets;

namespace NasRec.Models.Tests;

/// <summary>Architectures built in code are checked as YAML files are, before any module is built.</summary>
public sealed class SubnetValidationTests
{
    [Fact]
    public void InterpretedSubnetRejectsAnInputABlockCannotReadWithTheDiagnostic()
    {
        var typed = new NasRecSmallSpace.Architecture(
            Block(0), Block(1), Block(2), Block(3), Block(4),
            new NasRecSmallSpace.Block(NasRecSmallSpace.Dense.Fc(NasRecSmallSpace.DenseWidth.W64, 7), NasRecSmallSpace.Sparse.Efc(NasRecSmallSpace.SparseTokens.T16, 5)),
            Block(6));

        var error = Assert.Throws<ArgumentException>(() => new Subnet(typed.ToModel("Broken", "Criteo"), NasRecSmallSpace.Definition, CriteoDataset.Definition));

        Assert.Contains("blocks[5].dense.inputs: error NASREC010: Block 5 cannot read input 7", error.Message);
    }

    [Fact]
    public void InterpretedSubnetRejectsAnArchitectureOfAnotherSpace()
    {
        var model = CriteoNasRecNetFull.Definition;

        var error = Assert.Throws<ArgumentException>(() => new Subnet(model, NasRecSmallSpace.Definition, CriteoDataset.Definition));

        Assert.Contains("NASREC015", error.Message);
    }

    private static NasRecSmallSpace.Block Block(int index) =>
        new(NasRecSmallSpace.Dense.Fc(NasRecSmallSpace.DenseWidth.W64, index), NasRecSmallSpace.Sparse.Efc(NasRecSmallSpace.SparseTokens.T16, index));
}
