namespace NasRec.Dsl.Parsing;

/// <summary>
/// The bounds every document is held to, each far beyond any real NASRec model and each reported as
/// NASREC023 at the value, list or alias past it. Within them every derived count (widths, tokens,
/// FLOPs, parameters) fits its type: connection widths stay below 2^31, FLOPs and parameters below 2^62.
/// </summary>
public static class DocumentLimits
{
    /// <summary>Characters in one file (1 MiB of text; the largest shipped file holds about 3,000).</summary>
    public const int MaxCharacters = 1 << 20;

    /// <summary>Blocks in a search space and in an architecture (NASRec's spaces have 7).</summary>
    public const int MaxBlocks = 256;

    /// <summary>A dense width (NASRec's largest choice is 1,024).</summary>
    public const int MaxWidth = 65_536;

    /// <summary>A sparse token count (NASRec's largest choice is 64).</summary>
    public const int MaxTokens = 4_096;

    /// <summary>The embedding dimension (NASRec uses 16).</summary>
    public const int MaxEmbeddingDim = 4_096;

    /// <summary>Rows of one embedding table, and the search-time cap (2^32; Criteo's largest table has about 10^7).</summary>
    public const long MaxTableSize = 1L << 32;

    /// <summary>Items in any other list: features, width and token choices, operators, inputs.</summary>
    public const int MaxListItems = 4_096;

    /// <summary>Nodes that aliases may stand for in one file, counted as if each alias were expanded.</summary>
    public const int MaxAliasExpansion = 10_000;

    /// <summary>Nesting depth of collections (an architecture nests five levels deep).</summary>
    public const int MaxDepth = 64;
}
