using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>How <c>nasrec data prepare</c> splits and checks its input.</summary>
/// <param name="ReferenceOffByOne">
/// Reproduce the reference split tool's Criteo/KDD bug (spec §1.2, §9.7): folds computed over every
/// line, applied one line late, the first line dropped. Off by default: every row is kept with its own fold.
/// </param>
public sealed record PrepareOptions(
    SplitMode Split = SplitMode.Stratified,
    bool ReferenceOffByOne = false,
    bool SkipBadRows = false,
    bool WriteIndices = false)
{
    /// <summary>The reference's 8/1/1: ten folds, seed 2018; folds 0-7 train, 8 val, 9 test.</summary>
    public const int Folds = 10;
    public const int Seed = 2018;
}
