using NasRec.Dsl.Analysis;

namespace NasRec.Dsl.Tests.Analysis;

/// <summary>The block plans the emitter and the interpreted subnet both follow.</summary>
public sealed class BlockPlanTests
{
    [Fact]
    public void APrunedPlanSkipsTheDeadBlocksOfAppendixAAndAnUnprunedOneComputesThem()
    {
        var report = ReleasedModelTests.Analyze("CriteoNasRecNetFull");

        var pruned = report.Blocks.Select(b => BlockPlan.Create(b, report, pruned: true)).ToList();
        var unpruned = report.Blocks.Select(b => BlockPlan.Create(b, report, pruned: false)).ToList();

        Assert.Equal([3, 4, 5], pruned.Where(p => p.Skipped).Select(p => p.Shape.Index));
        Assert.All(unpruned, p => Assert.True(p.Dense && p.Sparse && p.DenseOut && p.SparseOut));
    }
}
