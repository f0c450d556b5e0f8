using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>
/// Everything derivable from an architecture, its space and its dataset without building it:
/// shapes, liveness, FLOPs per sample (the reference's fvcore counting, spec §8.2) and parameters.
/// </summary>
/// <param name="LayerNorm">The layer-norm setting the counts are for.</param>
/// <param name="RawDense">Width of the raw dense input (connection 0).</param>
/// <param name="RawTokens">Token count of the raw sparse input (one per sparse feature).</param>
/// <param name="HeadInput">Width of the head's input: last dense width + E × last token count.</param>
/// <param name="Flops">Multiply-adds per sample of everything that reaches the head (fvcore counts one multiply-add as one FLOP).</param>
/// <param name="NonEmbeddingParameters">Parameters outside the embedding tables with every part built, as the reference's module holds them.</param>
/// <param name="LiveNonEmbeddingParameters">The same, only for parts whose result reaches the head (what the compiled subnet holds).</param>
/// <param name="EmbeddingParameters">Embedding parameters with full tables.</param>
/// <param name="SearchEmbeddingParameters">Embedding parameters with the dataset's search-time table cap (null: no cap).</param>
public sealed record ArchitectureReport(
    string Name,
    bool LayerNorm,
    int EmbeddingDim,
    int RawDense,
    int RawTokens,
    EquatableArray<BlockShape> Blocks,
    int HeadInput,
    long Flops,
    long NonEmbeddingParameters,
    long LiveNonEmbeddingParameters,
    long EmbeddingParameters,
    long? SearchEmbeddingParameters)
{
    public IEnumerable<int> DeadBlocks => Blocks.Where(b => b.Dead).Select(b => b.Index);

    public double MegaFlops => Flops / 1e6;

    /// <summary>Whether the part of block <paramref name="block"/> is built in a pruned subnet.</summary>
    public bool IsLive(int block, BlockPartKind part) => Blocks[block].Parts.Any(p => p.Kind == part && p.Live);
}
