using NasRec.Dsl.Model;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Supernets;

/// <summary>
/// A one-block architecture run standalone and inside the supernet (layer norm off), with the subnet's
/// weights copied into the supernet's: equal where the spec says the supernet computes the same function,
/// different where it says the elastic mode departs (spec §9.2). With one block every input is the raw
/// input, so each subnet weight is the top-left corner of the supernet's (the first d or s units);
/// only the head's columns move (the supernet's tokens sit at 0..s-1 and its merger tokens at s_max).
/// </summary>
public sealed class SupernetSubnetAgreementTests
{
    public static TheoryData<string, Block, bool> Cases => new()
    {
        { "fc and efc below the widest widths, both mergers projected", Block(Fc(32), Efc(8), merger: true, fm: true), true },
        { "dot-product at d_max balances the same token count", Block(Dp(64), Transformer(16), merger: true, fm: true), true },
        { "transformer at s_max attends over the same tokens", Block(Fc(16), Transformer(16), merger: false, fm: false), true },
        { "sum projects its padded inputs to d", Block(Sum(32), Efc(16), merger: false, fm: true), true },
        { "sigmoid-gating projects its gated inputs to d", Block(Gating(64), Efc(8), merger: true, fm: false), true },
        { "dot-product below d_max balances round(√(2d)) tokens standalone but round(√(2·d_max)) in the supernet", Block(Dp(32), Efc(8), merger: false, fm: false), false },
        { "transformer below s_max: masked tokens still attend and are attended to in the supernet", Block(Fc(32), Transformer(8), merger: false, fm: false), false },
        { "FM at d = E: no projection standalone, a projection from E to d_max in the supernet", Block(Fc(16), Efc(8), merger: false, fm: true), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_fixed_architecture_inside_the_supernet(string why, Block block, bool same) =>
        Compare(SmallSupernets.Full(blocks: 1), block, same, why);

    [Fact]
    public void The_merger_at_d_equal_to_8E_is_a_reshape_standalone_but_a_projection_from_d_max_in_the_supernet() =>
        Compare(SmallSupernets.Full(blocks: 1, widths: [16, 128, 256]), Block(Fc(128), Efc(8), merger: true, fm: false), same: false, "merger at d = 128");

    [Fact]
    public void The_merger_is_a_reshape_in_both_when_d_max_is_8E() =>
        Compare(SmallSupernets.FullAt128(blocks: 1), Block(Fc(128), Efc(8), merger: true, fm: false), same: true, "merger at d = d_max = 128");

    private static void Compare(SearchSpace space, Block block, bool same, string why)
    {
        var dataset = ShippedDocuments.Criteo;
        var architecture = new Architecture("OneBlock", space.Name, dataset.Name, LayerNorm: false, EquatableArray.Create(block));
        using var subnet = new Subnet(architecture, space, dataset, SmallSupernets.TableCap);
        using var supernet = SmallSupernets.Build(space, SupernetCompute.SkipZeroInputs, layerNorm: false);
        SmallSupernets.Perturb(subnet, seed: 11);
        CopyInto(supernet, subnet, block, space);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (dense, ids) = SmallSupernets.Batch(8, seed: 12);
        var standalone = subnet.call(dense, ids);
        var inside = supernet.Forward(dense, ids, SubnetChoice.Of(architecture, space));
        float difference = (standalone - inside).abs().max().item<float>();
        if (same) Assert.True(difference < 1e-5f, $"{why}: outputs differ by {difference}");
        else Assert.True(difference > 1e-3f, $"{why}: outputs agree ({difference})");
    }

    /// <summary>Every subnet weight into the top-left corner of the supernet's; the head's columns to their supernet places.</summary>
    private static void CopyInto(Supernet supernet, Subnet subnet, Block block, SearchSpace space)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var target = supernet.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, source) in subnet.named_parameters())
        {
            var parameter = target[name
                .Replace("block0_dense.", $"block0_{block.Dense.Operator.Name().Replace('-', '_')}.", StringComparison.Ordinal)
                .Replace("block0_sparse.", $"block0_{block.Sparse.Operator.Name()}.", StringComparison.Ordinal)];
            if (name == "head.weight")
            {
                parameter.index_copy_(1, HeadColumns(block, space), source);
                continue;
            }
            Tensor corner = parameter;
            for (int axis = 0; axis < source.dim(); axis++) corner = corner.narrow(axis, 0, source.shape[axis]);
            corner.copy_(source);
        }
    }

    /// <summary>Where each standalone head input lands in the supernet's: d dense units, then tokens (s own, 8 merger at s_max).</summary>
    private static Tensor HeadColumns(Block block, SearchSpace space)
    {
        int e = space.EmbeddingDim, dMax = space.DenseWidths.Max(), sMax = space.SparseTokens.Max();
        var tokens = Enumerable.Range(0, block.Sparse.Tokens)
            .Concat(block.DenseToSparse ? Enumerable.Range(sMax, OperatorTraits.MergerTokens) : []);
        var columns = Enumerable.Range(0, block.Dense.Width)
            .Concat(tokens.SelectMany(t => Enumerable.Range(dMax + t * e, e)));
        return tensor(columns.Select(c => (long)c).ToArray());
    }

    private static Block Block(DenseChoice dense, SparseChoice sparse, bool merger, bool fm) => new(dense, sparse, merger, fm);

    private static readonly EquatableArray<int> Raw = EquatableArray.Create(0);

    private static DenseChoice Fc(int width) => new(DenseOperator.Fc, width, Raw, null, null);

    private static DenseChoice Dp(int width) => new(DenseOperator.DotProduct, width, Raw, null, null);

    private static DenseChoice Sum(int width) => new(DenseOperator.Sum, width, EquatableArray<int>.Empty, 0, 0);

    private static DenseChoice Gating(int width) => new(DenseOperator.SigmoidGating, width, EquatableArray<int>.Empty, 0, 0);

    private static SparseChoice Efc(int tokens) => new(SparseOperator.Efc, tokens, Raw);

    private static SparseChoice Transformer(int tokens) => new(SparseOperator.Transformer, tokens, Raw);
}
