using System.Globalization;
using System.Text;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using static System.FormattableString;

namespace NasRec.Cli.Output;

/// <summary>The human form of <c>nasrec inspect</c>: one row per block (spec Appendix A's columns), then the totals.</summary>
internal static class ReportTable
{
    public static string Write(Architecture architecture, ArchitectureReport report)
    {
        var blocks = new TextTable(
            new("block", true), new("dense"), new("width", true), new("inputs"), new("sparse"), new("tokens", true),
            new("sparse inputs"), new("dsi", true), new("fm", true), new("dense in", true), new("tokens in", true),
            new("dense out", true), new("tokens out", true), new("live"));
        foreach (var shape in report.Blocks)
        {
            var block = shape.Block;
            blocks.Add(
                Invariant($"{shape.Index}"), block.Dense.Operator.Name(), Invariant($"{block.Dense.Width}"), BlockCells.DenseInputs(block.Dense),
                block.Sparse.Operator.Name(), Invariant($"{block.Sparse.Tokens}"), BlockCells.SparseInputs(block),
                block.DenseToSparse ? "1" : "0", block.Fm ? "1" : "0", BlockCells.DenseIn(shape),
                shape.TokensIn == 0 ? "-" : Invariant($"{shape.TokensIn}"), Invariant($"{shape.DenseOut}"), Invariant($"{shape.TokensOut}"),
                BlockCells.Live(shape));
        }

        var totals = new List<(string Label, string Value)>
        {
            ("head input", Invariant($"{report.HeadInput}")),
            ("MFLOPs per sample", report.MegaFlops.ToString("F4", CultureInfo.InvariantCulture)),
            ("non-embedding params", Count(report.NonEmbeddingParameters) + " (dead blocks included)"),
            ("live non-embedding params", Count(report.LiveNonEmbeddingParameters)),
            ("embedding params", Count(report.EmbeddingParameters)),
        };
        if (report.SearchEmbeddingParameters is long search) totals.Add(("embedding params, search cap", Count(search)));
        totals.Add(("dead blocks", report.DeadBlocks.Any() ? string.Join(", ", report.DeadBlocks.Select(b => Invariant($"{b}"))) : "none"));

        var text = new StringBuilder();
        text.Append(Invariant($"{report.Name}: space {architecture.Space}, dataset {architecture.Dataset}, layer norm {(report.LayerNorm ? "on" : "off")}\n\n"));
        text.Append(blocks).Append('\n');
        int labelWidth = totals.Max(t => t.Label.Length);
        foreach (var (label, value) in totals) text.Append(label.PadRight(labelWidth)).Append("  ").Append(value).Append('\n');
        return text.ToString();
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
