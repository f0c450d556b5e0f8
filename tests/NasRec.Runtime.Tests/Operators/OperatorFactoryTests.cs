using NasRec.Dsl.Model;
using NasRec.Runtime.Subnets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Operators;

/// <summary>Every row of the operator table names a runtime module that holds exactly the parameters its cost counts.</summary>
public sealed class OperatorFactoryTests
{
    private static readonly OperatorShape Operands = new(DenseIn: 1037, Left: 256, Right: 13, TokensIn: 98, Width: 64, Tokens: 48, EmbeddingDim: 16, LayerNorm: false);

    public static TheoryData<string, bool> Rows()
    {
        var data = new TheoryData<string, bool>();
        var names = Enum.GetNames<DenseOperator>().Select(n => "dense " + n)
            .Concat(Enum.GetNames<SparseOperator>().Select(n => "sparse " + n))
            .Concat(["fm", "dense-to-sparse"]);
        foreach (var name in names)
            foreach (var layerNorm in new[] { false, true })
                data.Add(name, layerNorm);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void EveryOperatorBuildsAModuleWithTheParametersItsCostCounts(string row, bool layerNorm)
    {
        var traits = row.Split(' ') switch
        {
            ["dense", var op] => OperatorTraits.Of(Enum.Parse<DenseOperator>(op)),
            ["sparse", var op] => OperatorTraits.Of(Enum.Parse<SparseOperator>(op)),
            ["fm"] => OperatorTraits.Fm,
            _ => OperatorTraits.DenseToSparse,
        };
        var operands = Operands with { LayerNorm = layerNorm };

        using var module = OperatorFactory.Create(traits.Module(operands), layerNorm, Activation.Relu);

        OperatorAssert.ParameterCount(module, traits.Cost(operands).Parameters);
    }

    [Fact]
    public void AModuleTypeTheRuntimeDoesNotHaveThrows()
    {
        var unknown = new OperatorModule("NoSuchOperator", EquatableArray.Create(1L), TakesLayerNorm: false, TakesActivation: false);

        Assert.Throws<ArgumentException>(() => OperatorFactory.Create(unknown, layerNorm: false, Activation.Relu));
    }
}
