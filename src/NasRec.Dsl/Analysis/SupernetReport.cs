using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>
/// Everything derivable about the weight-sharing supernet of a space over a dataset's inputs without
/// building it (spec §2.5): every operator at the space's largest width, every block reading the
/// zero-padded outputs of all earlier blocks, the head reading the last block at full width.
/// </summary>
/// <param name="DenseWidth">Every block's dense output width: the space's largest width d_max.</param>
/// <param name="TokensOut">Every block's output tokens: the largest token count s_max plus the merger's 8, zeros when it is off.</param>
/// <param name="HeadInput">Width of the head's input: d_max + E × (s_max + 8).</param>
/// <param name="Flops">Multiply-adds per sample of a full-path forward (every operator and both mergers of every block), counted as fvcore counts them (spec §8.2).</param>
/// <param name="NonEmbeddingParameters">Parameters outside the embedding tables: every operator of the space in every block, the mergers and the head.</param>
public sealed record SupernetReport(
    string Space,
    string Dataset,
    bool LayerNorm,
    int EmbeddingDim,
    int DenseWidth,
    int TokensOut,
    EquatableArray<SupernetBlock> Blocks,
    int HeadInput,
    long Flops,
    long NonEmbeddingParameters)
{
    public double MegaFlops => Flops / 1e6;
}

/// <summary>One block of the supernet: what its elastic operators are built for and what they hold.</summary>
/// <param name="DenseIn">Width of the dense inputs: the raw input and every earlier block's output (unselected ones are zeros of the same shape); sum and gating see left and right this wide too.</param>
/// <param name="TokensIn">Token count of the sparse inputs, likewise.</param>
/// <param name="Parameters">Parameters of all the block's operators and mergers.</param>
/// <param name="Flops">Multiply-adds per sample of the block on the full path.</param>
public sealed record SupernetBlock(int Index, int DenseIn, int TokensIn, long Parameters, long Flops);
