namespace NasRec.Runtime.Metrics;

/// <summary>Exact area under the ROC curve in O(n log n), as <c>sklearn.metrics.roc_auc_score</c> computes it.</summary>
public static class RocAuc
{
    /// <summary>
    /// The probability that a random positive scores above a random negative, ties counting one half: the
    /// Mann-Whitney statistic from the positives' rank sum, with tied scores sharing their mean rank.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, or only one class is present.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        var sortedScores = scores.ToArray();
        var sortedLabels = labels.ToArray();
        Array.Sort(sortedScores, sortedLabels);

        long positives = 0;
        double positiveRankSum = 0;
        for (int start = 0; start < sortedScores.Length;)
        {
            int end = start;
            long groupPositives = 0;
            while (end < sortedScores.Length && sortedScores[end] == sortedScores[start])
            {
                float label = sortedLabels[end];
                if (label != 0 && label != 1)
                    throw new ArgumentException($"Labels must be 0 or 1; found {label}.", nameof(labels));
                if (label == 1) groupPositives++;
                end++;
            }
            // Ranks start + 1 … end share their mean.
            positiveRankSum += groupPositives * (start + 1 + end) / 2.0;
            positives += groupPositives;
            start = end;
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"ROC-AUC is undefined: all {scores.Length} labels are {(positives == 0 ? 0 : 1)}; an evaluation split needs both classes.",
                nameof(labels));
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
