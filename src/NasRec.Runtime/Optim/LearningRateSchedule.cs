namespace NasRec.Runtime.Optim;

/// <summary>The reference's <c>--lr_schedule</c> choices (spec §5.1).</summary>
public enum ScheduleKind
{
    /// <summary>Linear warm-up from 1e-8 over the first tenth of the steps, then a cosine down to 1e-8.</summary>
    Cosine,

    /// <summary>Linear warm-up over the first tenth of the steps (the first step uses max/W), then constant.</summary>
    Constant,

    /// <summary>The maximum rate from the first step.</summary>
    ConstantNoWarmup,
}

/// <summary>
/// The learning rate at each optimizer step t = 0, 1, … of a run of <paramref name="TotalSteps"/> steps (spec §5.1):
/// warm-up W = T / 10 (integer division), minimum 1e-8. Stepped once per batch, partial batches included.
/// </summary>
public sealed record LearningRateSchedule(ScheduleKind Kind, double MaxRate, long TotalSteps)
{
    public const double MinRate = 1e-8;

    public long WarmupSteps => TotalSteps / 10;

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
