using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;

namespace NasRec.Runtime.Training;

/// <summary>A split's logits and labels, row by row in the split's order.</summary>
public sealed class SplitScores(List<float> logits, List<float> labels)
{
    public int Count => logits.Count;

    public ReadOnlySpan<float> Logits => CollectionsMarshal.AsSpan(logits);

    public ReadOnlySpan<float> Labels => CollectionsMarshal.AsSpan(labels);

    /// <exception cref="DataException">The rows are none, or all of one class: AUC and normalized entropy are then undefined.</exception>
    public BinaryMetrics Metrics()
    {
        BinaryMetrics.RequireBothClasses(Labels, string.Create(CultureInfo.InvariantCulture, $"The {Count:N0} rows evaluated"));
        return BinaryMetrics.Compute(Logits, Labels);
    }

    /// <summary>
    /// Writes <c>label,probability</c> per row (a header line, then the split's order; invariant culture), atomically;
    /// with <paramref name="sourceRows"/>, each row's number first (<c>row,</c>); without <paramref name="withLabels"/>, no label.
    /// </summary>
    public void WriteCsv(string path, IReadOnlyList<long>? sourceRows = null, bool withLabels = true) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write((sourceRows is null ? "" : "row,") + (withLabels ? "label," : "") + "probability\n");
        for (int i = 0; i < logits.Count; i++)
        {
            if (sourceRows is not null)
            {
                writer.Write(sourceRows[i].ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
            }
            if (withLabels) writer.Write(labels[i] == 1 ? "1," : "0,");
            writer.Write((1f / (1f + MathF.Exp(-logits[i]))).ToString("R", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    });
}
