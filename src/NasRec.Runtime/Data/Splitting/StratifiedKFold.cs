namespace NasRec.Runtime.Data.Splitting;

/// <summary>
/// The test-fold assignment of scikit-learn's <c>StratifiedKFold(n_splits, shuffle=True,
/// random_state=seed)</c> (1.1/1.2 <c>_make_test_folds</c>), which the reference's split tool uses
/// for its 8/1/1 split: same labels and seed, same fold of every row.
/// </summary>
public static class StratifiedKFold
{
    /// <summary>The fold (0 to <paramref name="folds"/> - 1) of every row: the index of the test fold scikit-learn yields it in.</summary>
    /// <exception cref="ArgumentException">(Without a parameter name for the labels' cases, whose message a user reads as it is.) The same cases scikit-learn rejects: fewer than 2 folds or more than there are rows, every class smaller than the fold count, a negative seed.</exception>
    public static byte[] Folds(ReadOnlySpan<byte> labels, int folds, int seed)
    {
        if (folds < 2 || folds > byte.MaxValue + 1)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "The number of folds must be between 2 and 256.");
        if (seed < 0)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "The seed must be between 0 and 2^32 - 1, as numpy's RandomState requires.");
        if (folds > labels.Length)
            throw new ArgumentException($"Cannot split {labels.Length} rows into {folds} folds: every fold needs at least one row.");

        var classes = LabelClasses.Of(labels);
        if (classes.Counts.All(count => count < folds))
            throw new ArgumentException(
                $"Cannot split into {folds} folds: every class has fewer rows than that (counts: {string.Join(", ", classes.Counts)}).");

        // Shuffle class by class in encoding order (the draws come from one generator), then hand
        // each class's shuffled fold ids to its rows in row order.
        var random = new LegacyMersenneTwister((uint)seed);
        var foldIdsOfClass = new byte[classes.Count][];
        int classStart = 0;
        for (int k = 0; k < classes.Count; k++)
        {
            foldIdsOfClass[k] = FoldIdsInBlocks(classStart, classes.Counts[k], folds);
            random.Shuffle(foldIdsOfClass[k].AsSpan());
            classStart += classes.Counts[k];
        }

        Span<int> nextMember = stackalloc int[byte.MaxValue + 1];
        var assignment = new byte[labels.Length];
        for (int row = 0; row < labels.Length; row++)
        {
            byte label = labels[row];
            assignment[row] = foldIdsOfClass[classes.IndexOf[label]][nextMember[label]++];
        }
        return assignment;
    }

    /// <summary>
    /// Class k occupies positions [start, start + count) of the sorted encoded labels; scikit-learn
    /// gives fold i as many of them as fall at positions congruent to i modulo the fold count, and
    /// lists fold 0's share first, then fold 1's, and so on.
    /// </summary>
    private static byte[] FoldIdsInBlocks(int start, int count, int folds)
    {
        var ids = new byte[count];
        int offset = 0;
        for (int fold = 0; fold < folds; fold++)
        {
            int share = PositionsCongruent(start + count, fold, folds) - PositionsCongruent(start, fold, folds);
            ids.AsSpan(offset, share).Fill((byte)fold);
            offset += share;
        }
        return ids;
    }

    /// <summary>How many positions in [0, end) are congruent to <paramref name="residue"/> modulo <paramref name="folds"/>.</summary>
    private static int PositionsCongruent(int end, int residue, int folds) => end <= residue ? 0 : (end - residue + folds - 1) / folds;

    /// <summary>
    /// scikit-learn's class encoding: classes numbered in order of first appearance, with the row
    /// count of each class and the class number of each label value.
    /// </summary>
    private sealed record LabelClasses(int[] Counts, byte[] IndexOf)
    {
        public int Count => Counts.Length;

        public static LabelClasses Of(ReadOnlySpan<byte> labels)
        {
            Span<int> countOf = stackalloc int[byte.MaxValue + 1];
            var order = new List<byte>();
            foreach (byte label in labels)
                if (countOf[label]++ == 0) order.Add(label);
            var counts = new int[order.Count];
            var indexOf = new byte[byte.MaxValue + 1];
            for (int k = 0; k < order.Count; k++)
            {
                counts[k] = countOf[order[k]];
                indexOf[order[k]] = (byte)k;
            }
            return new LabelClasses(counts, indexOf);
        }
    }
}
