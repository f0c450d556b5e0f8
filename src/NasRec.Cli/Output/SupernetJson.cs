using System.Text.Json;
using NasRec.Dsl.Analysis;

namespace NasRec.Cli.Output;

/// <summary>The machine form of <c>nasrec inspect &lt;space&gt; --dataset</c>: the supernet's totals and a <c>blocks</c> array.</summary>
internal static class SupernetJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static string Write(SupernetReport report) => JsonSerializer.Serialize(new SupernetSummary(
        report.Space, report.Dataset, report.LayerNorm, report.MegaFlops, report.Flops, report.NonEmbeddingParameters,
        report.DenseWidth, report.TokensOut, report.HeadInput,
        report.Blocks.Select(b => new BlockJson(b.Index, b.DenseIn, b.TokensIn, b.Flops, b.Parameters)).ToList()), Options) + "\n";

    /// <param name="Mflops">FLOPs per sample of a full-path forward, in millions (fvcore counting).</param>
    /// <param name="DenseOut">Every block's dense output width (the space's largest).</param>
    /// <param name="TokensOut">Every block's output tokens (the largest count plus the merger's 8).</param>
    private sealed record SupernetSummary(
        string Space, string Dataset, bool LayerNorm, double Mflops, long Flops, long NonEmbeddingParams,
        int DenseOut, int TokensOut, int HeadInput, IReadOnlyList<BlockJson> Blocks);

    private sealed record BlockJson(int Index, int DenseIn, int TokensIn, long Flops, long Params);
}
