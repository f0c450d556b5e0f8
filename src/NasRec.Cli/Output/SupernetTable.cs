using System.Globalization;
using System.Text;
using NasRec.Dsl.Analysis;
using static System.FormattableString;

namespace NasRec.Cli.Output;

/// <summary>The human form of <c>nasrec inspect &lt;space&gt; --dataset</c>: one row per block, then the totals.</summary>
internal static class SupernetTable
{
    public static string Write(SupernetReport report)
    {
        var blocks = new TextTable(new("block", true), new("dense in", true), new("tokens in", true), new("MFLOPs", true), new("params", true));
        foreach (var block in report.Blocks)
        {
            blocks.Add(Invariant($"{block.Index}"), Invariant($"{block.DenseIn}"), Invariant($"{block.TokensIn}"),
                MegaFlops(block.Flops / 1e6), Count(block.Parameters));
        }

        var totals = new (string Label, string Value)[]
        {
            ("dense out per block", Invariant($"{report.DenseWidth}")),
            ("tokens out per block", Invariant($"{report.TokensOut} (merger tokens included, zeros when off)")),
            ("head input", Invariant($"{report.HeadInput}")),
            ("full-path MFLOPs per sample", MegaFlops(report.MegaFlops)),
            ("non-embedding params", Count(report.NonEmbeddingParameters)),
        };

        var text = new StringBuilder();
        text.Append(Invariant($"Supernet of {report.Space} over {report.Dataset}, layer norm {(report.LayerNorm ? "on" : "off")}\n\n"));
        text.Append(blocks).Append('\n');
        int labelWidth = totals.Max(t => t.Label.Length);
        foreach (var (label, value) in totals) text.Append(label.PadRight(labelWidth)).Append("  ").Append(value).Append('\n');
        return text.ToString();
    }

    private static string MegaFlops(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
