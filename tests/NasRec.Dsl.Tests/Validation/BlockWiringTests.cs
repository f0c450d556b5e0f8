using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;

namespace NasRec.Dsl.Tests.Validation;

/// <summary>Architectures built in code (not parsed) get the wiring checks the parser does for YAML.</summary>
public sealed class BlockWiringTests
{
    private static readonly Architecture Released = Repository.Shipped.Architectures.Single(a => a.Name == "CriteoNasRecNetFull");

    [Fact]
    public void ShippedArchitectureHasNoWiringErrors()
    {
        Assert.DoesNotContain(ArchitectureValidator.Validate(Released, Repository.Shipped.Catalog), d => d.IsError);
    }

    [Fact]
    public void EmptyDenseInputsAreNASREC021()
    {
        var broken = WithBlock(6, b => b with { Dense = b.Dense with { Inputs = EquatableArray<int>.Empty } });

        Assert.Contains(Errors(broken), d => d == "blocks[6].dense.inputs: error NASREC021: The fc operator reads 'inputs'; give at least one connection index");
    }

    [Fact]
    public void RepeatedInputIsNASREC012()
    {
        var broken = WithBlock(2, b => b with { Sparse = b.Sparse with { Inputs = EquatableArray.Create(0, 1, 1) } });

        Assert.Contains(Errors(broken), d => d.StartsWith("blocks[2].sparse.inputs: error NASREC012: Input 1", StringComparison.Ordinal));
    }

    [Fact]
    public void GatingWithoutRightIsNASREC013AndOutOfRangeLeftIsNASREC010()
    {
        var broken = WithBlock(0, b => b with { Dense = b.Dense with { Left = 3, Right = null } });

        var errors = Errors(broken);
        Assert.Contains(errors, d => d.StartsWith("blocks[0].dense.left: error NASREC010: Block 0 cannot read input 3", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.StartsWith("blocks[0].dense: error NASREC013: The sigmoid-gating operator reads 'left' and 'right'; add 'right'", StringComparison.Ordinal));
    }

    private static Architecture WithBlock(int index, Func<Block, Block> change) =>
        Released with { Blocks = Released.Blocks.Select((b, i) => i == index ? change(b) : b).ToEquatableArray() };

    private static List<string> Errors(Architecture architecture) =>
        ArchitectureValidator.Validate(architecture, Repository.Shipped.Catalog).Where(d => d.IsError).Select(d => d.ToString()).ToList();
}
