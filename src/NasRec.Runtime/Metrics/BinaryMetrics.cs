using NasRec.Runtime.Data;

namespace NasRec.Runtime.Metrics;

/// <summary>
/// The reference's evaluation metrics over a whole split (spec §5.3), computed from logits and 0/1 labels, plus the
/// two CTR practitioners read first: normalized entropy and calibration.
/// </summary>
/// <param name="Logloss">Mean binary cross-entropy of the logits.</param>
/// <param name="Auc">Exact ROC-AUC of <c>sigmoid(logit)</c> (float32, as the reference scores), ties counted half.</param>
/// <param name="Accuracy">Share of samples with <c>(sigmoid(logit) &gt; 0.5) == label</c>.</param>
/// <param name="NormalizedEntropy">Logloss over the entropy of the split's positive rate (below 1 beats the base rate).</param>
/// <param name="Calibration">Mean predicted probability over the positive rate (1 is calibrated).</param>
public sealed record BinaryMetrics(long Count, double Logloss, double Auc, double Accuracy, double NormalizedEntropy, double Calibration)
{
    /// <summary>
    /// Checks that rows about to be evaluated can be: a store's split of one class (say, unlabelled rows) is the
    /// user's data, not a bug. <paramref name="rows"/> describes them for the message ("The 300 rows evaluated").
    /// </summary>
    /// <exception cref="DataException">There are no labels, or all are one class.</exception>
    public static void RequireBothClasses(ReadOnlySpan<float> labels, string rows)
    {
        long positives = 0;
        foreach (var label in labels) positives += label == 1 ? 1 : 0;
        RequireBothClasses(labels.Length, positives, rows);
    }

    /// <inheritdoc cref="RequireBothClasses(ReadOnlySpan{float}, string)"/>
    public static void RequireBothClasses(long count, long positives, string rows)
    {
        if (count == 0) throw new DataException($"{rows} are none: there is nothing to evaluate.");
        if (positives == 0 || positives == count)
            throw new DataException($"{rows} are all labelled {(positives == 0 ? 0 : 1)}: AUC and normalized entropy need both classes.");
    }

    /// <summary>The metrics of <paramref name="logits"/> against <paramref name="labels"/> (each 0 or 1).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or the labels hold a single class (AUC and NE are undefined).</exception>
    public static BinaryMetrics Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        if (logits.Length != labels.Length)
            throw new ArgumentException($"{logits.Length} logits but {labels.Length} labels.", nameof(labels));
        var scores = new float[logits.Length];
        double loss = 0, positives = 0, predicted = 0;
        long correct = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], y = labels[i];
            // Stable BCE-with-logits: max(x, 0) − x·y + log(1 + e^−|x|).
            loss += Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            scores[i] = 1f / (1f + MathF.Exp(-logits[i]));
            positives += y;
            predicted += scores[i];
            if (scores[i] > 0.5f == (y == 1)) correct++;
        }
        long n = logits.Length;
        double auc = RocAuc.Compute(scores, labels);
        double rate = positives / n;
        double baseEntropy = -(rate * Math.Log(rate) + (1 - rate) * Math.Log(1 - rate));
        return new BinaryMetrics(n, loss / n, auc, (double)correct / n, loss / n / baseEntropy, predicted / n / rate);
    }
}
