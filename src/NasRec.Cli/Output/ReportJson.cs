using System.Text.Json;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Cli.Output;

/// <summary>The machine form of <c>nasrec inspect --json</c>: one object with the totals and a <c>blocks</c> array.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static string Write(Architecture architecture, ArchitectureReport report) =>
        JsonSerializer.Serialize(Summary(architecture, report), Options) + "\n";

    private static ArchitectureJson Summary(Architecture architecture, ArchitectureReport report) => new(
        report.Name, architecture.Space, architecture.Dataset, report.LayerNorm,
        report.MegaFlops, report.Flops,
        report.NonEmbeddingParameters, report.LiveNonEmbeddingParameters, report.EmbeddingParameters, report.SearchEmbeddingParameters,
        report.DeadBlocks.ToList(), report.HeadInput,
        report.Blocks.Select(Block).ToList());

    private static BlockJson Block(BlockShape shape)
    {
        var block = shape.Block;
        var dense = block.Dense;
        bool sparseInputsRead = block.ReadsSparseInputs;
        return new BlockJson(
            shape.Index, dense.Operator.Name(), dense.Width,
            dense.ReadsInputs ? dense.Inputs.ToList() : null, dense.Left, dense.Right,
            block.Sparse.Operator.Name(), block.Sparse.Tokens, sparseInputsRead ? block.Sparse.Inputs.ToList() : null,
            block.DenseToSparse, block.Fm,
            dense.ReadsInputs ? shape.DenseInWidth : null,
            dense.ReadsLeftRight ? shape.LeftWidth : null,
            dense.ReadsLeftRight ? shape.RightWidth : null,
            sparseInputsRead ? shape.TokensIn : null,
            shape.DenseOut, shape.TokensOut, BlockCells.Live(shape),
            shape.Flops, shape.Parameters);
    }

    /// <param name="Mflops">FLOPs per sample in millions (fvcore counting: live parts only).</param>
    /// <param name="NonEmbeddingParams">Dead blocks included, as the reference's module holds them.</param>
    /// <param name="SearchEmbeddingParams">With the dataset's search-time table cap; null without one.</param>
    private sealed record ArchitectureJson(
        string Name, string Space, string Dataset, bool LayerNorm,
        double Mflops, long Flops,
        long NonEmbeddingParams, long LiveNonEmbeddingParams, long EmbeddingParams, long? SearchEmbeddingParams,
        IReadOnlyList<int> DeadBlocks, int HeadInput,
        IReadOnlyList<BlockJson> Blocks);

    /// <summary>One block; a gene or width its operators do not read is null.</summary>
    /// <param name="Flops">FLOPs per sample of the block's live parts.</param>
    /// <param name="Params">Parameters of all its parts, live or not.</param>
    private sealed record BlockJson(
        int Index, string DenseOp, int Width, IReadOnlyList<int>? Inputs, int? Left, int? Right,
        string SparseOp, int Tokens, IReadOnlyList<int>? SparseInputs,
        bool DenseToSparse, bool Fm,
        int? DenseIn, int? LeftWidth, int? RightWidth, int? TokensIn,
        int DenseOut, int TokensOut, string Live,
        long Flops, long Params);
}
