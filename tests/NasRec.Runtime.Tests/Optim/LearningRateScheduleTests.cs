using NasRec.Runtime.Optim;
using NasRec.Runtime.Training;

namespace NasRec.Runtime.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void CosineFollowsTheReferenceFormulaAtEveryStepStartingAtTheMinimum()
    {
        // The reference's final Criteo Full run: T = 161,158, W = 16,115, max 0.16.
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.16, 161_158);
        Assert.Equal(16_115, schedule.WarmupSteps);
        Assert.Equal(1e-8, schedule.At(0));
        for (long t = 0; t < schedule.TotalSteps; t += 997)
        {
            double expected = t < 16_115
                ? 1e-8 + (0.16 - 1e-8) * t / 16_115
                : 1e-8 + (0.16 - 1e-8) * (1 + Math.Cos(Math.PI * (t - 16_115) / (161_158 - 16_115))) / 2;
            Assert.Equal(expected, schedule.At(t), 15);
        }
        Assert.Equal(0.16, schedule.At(16_115), 15);
        Assert.True(schedule.At(161_157) < 1e-7);
    }

    [Fact]
    public void CosineWarmupIsLinearInASmallRun()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 1.0, 100);
        Assert.Equal(1e-8, schedule.At(0));
        Assert.Equal(1e-8 + (1 - 1e-8) * 0.1, schedule.At(1), 15);
        Assert.Equal(1e-8 + (1 - 1e-8) * 0.5, schedule.At(5), 15);
        Assert.Equal(1.0, schedule.At(10), 15);
        Assert.Equal(1e-8 + (1 - 1e-8) * 0.5, schedule.At(55), 12);
    }

    [Fact]
    public void ConstantWarmsUpFromMaxOverWThenHolds()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Constant, 0.2, 50);
        Assert.Equal(0.2 / 5, schedule.At(0), 15);
        Assert.Equal(0.2 * 3 / 5, schedule.At(2), 15);
        Assert.Equal(0.2, schedule.At(4), 15);
        Assert.Equal(0.2, schedule.At(49), 15);
    }

    [Fact]
    public void ConstantWithoutWarmupIsTheMaximumFromTheFirstStep()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.ConstantNoWarmup, 0.1, 50);
        Assert.All(new long[] { 0, 1, 49 }, t => Assert.Equal(0.1, schedule.At(t)));
    }

    [Fact]
    public void CosineWithAGivenWarmupPeaksAtItsEndThenDecaysOverTheRest()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 1.0, 100, WarmupSteps: 50);
        Assert.Equal(1e-8 + (1 - 1e-8) * 0.5, schedule.At(25), 15);
        Assert.Equal(1.0, schedule.At(50), 15);
        Assert.Equal(1e-8 + (1 - 1e-8) * 0.5, schedule.At(75), 12);
    }

    [Fact]
    public void BothRecipesWarmUpOverATenthUnlessAWarmupIsGiven()
    {
        var ours = new TrainingSettings(BatchSize: 256, LearningRate: 0.16);
        var reference = ours with { ReferenceRecipe = true };
        Assert.Equal(new LearningRateSchedule(ScheduleKind.Cosine, 0.16, 625), ours.ScheduleFor(625));
        Assert.Equal(new LearningRateSchedule(ScheduleKind.Cosine, 0.16, 625), reference.ScheduleFor(625));
        Assert.Equal(62, ours.ScheduleFor(625).WarmupSteps);
        Assert.Equal(312, (ours with { WarmupSteps = 312 }).ScheduleFor(625).WarmupSteps);
        Assert.Equal(40, (reference with { WarmupSteps = 40 }).ScheduleFor(625).WarmupSteps);
    }
}
