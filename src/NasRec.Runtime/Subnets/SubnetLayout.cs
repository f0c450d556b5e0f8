using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// What a subnet of an architecture builds: per block its plan and the module of each part it computes (null where
/// the plan leaves the part out). The interpreted <see cref="Subnet"/> builds from it, and
/// <see cref="SubnetDescription"/> writes it out for PyTorch, so both hold the same modules.
/// </summary>
public sealed record SubnetLayout(ArchitectureReport Report, IReadOnlyList<BlockLayout> Blocks)
{
    public static SubnetLayout Of(ArchitectureReport report, bool pruned)
    {
        var blocks = report.Blocks.Select(shape =>
        {
            var plan = BlockPlan.Create(shape, report, pruned);
            var operands = shape.Operands(report.EmbeddingDim, report.LayerNorm);
            OperatorModule? Module(bool built, OperatorTraits traits) => built ? traits.Module(operands) : null;
            return new BlockLayout(plan,
                Module(plan.Dense, OperatorTraits.Of(shape.Block.Dense.Operator)),
                Module(plan.Sparse, OperatorTraits.Of(shape.Block.Sparse.Operator)),
                Module(plan.Fm, OperatorTraits.Fm),
                Module(plan.Merger, OperatorTraits.DenseToSparse));
        }).ToList();
        return new SubnetLayout(report, blocks);
    }
}

/// <summary>One block of a <see cref="SubnetLayout"/>: the modules of its dense and sparse operators and its two mergers.</summary>
public sealed record BlockLayout(BlockPlan Plan, OperatorModule? Dense, OperatorModule? Sparse, OperatorModule? Fm, OperatorModule? Merger);
