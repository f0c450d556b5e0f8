namespace NasRec.Runtime.Optim;

/// <summary>The reference's <c>--lr_schedule</c> choices (spec §5.1).</summary>
public enum ScheduleKind
{
    /// <summary>Linear warm-up from 1e-8 (over a tenth of the steps unless told), then a cosine down to 1e-8.</summary>
    Cosine,

    /// <summary>Linear warm-up (the first step uses max/W), then constant.</summary>
    Constant,

    /// <summary>The maximum rate from the first step.</summary>
    ConstantNoWarmup,
}

/// <summary>
/// The learning rate at each optimizer step t = 0, 1, … of a run of <paramref name="TotalSteps"/> steps (spec §5.1),
/// with a linear warm-up over <paramref name="WarmupSteps"/> (W), minimum 1e-8. Stepped once per batch, partial batches
/// included.
/// </summary>
public sealed record LearningRateSchedule(ScheduleKind Kind, double MaxRate, long TotalSteps, long WarmupSteps)
{
    public const double MinRate = 1e-8;

    /// <summary>The reference's schedule: W = T / 10 (integer division).</summary>
    public LearningRateSchedule(ScheduleKind kind, double maxRate, long totalSteps) : this(kind, maxRate, totalSteps, ReferenceWarmup(totalSteps))
    {
    }

    public static long ReferenceWarmup(long totalSteps) => totalSteps / 10;

    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        long w = WarmupSteps;
        switch (Kind)
        {
            case ScheduleKind.ConstantNoWarmup:
                return MaxRate;
            case ScheduleKind.Constant:
                return step < w ? MaxRate * (step + 1) / w : MaxRate;
            default:
                // The reference's scheduler restarts (warm-up again) at t = T; a run with more steps than T sees that too.
                long t = TotalSteps > 0 ? step % TotalSteps : step;
                if (t < w) return MinRate + (MaxRate - MinRate) * t / w;
                return MinRate + (MaxRate - MinRate) * (1 + Math.Cos(Math.PI * (t - w) / (TotalSteps - w))) / 2;
        }
    }
}
