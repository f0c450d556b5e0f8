namespace NasRec.Runtime.Supernets;

/// <summary>How the supernet computes a path; the first two give the same numbers.</summary>
public enum SupernetCompute
{
    /// <summary>The reference's arithmetic: unselected inputs as zero blocks, every operator over the full
    /// concatenated inputs, outputs multiplied by 0/1 masks.</summary>
    Masked,
    /// <summary>The same function, skipping the zeros: linear layers multiply only the selected inputs' column
    /// blocks (and only the kept units of earlier outputs); masks become slices. Equal to <see cref="Masked"/>
    /// up to float summation order.</summary>
    SkipZeroInputs,
    /// <summary>A departure from the reference, for speed: as <see cref="SkipZeroInputs"/>, but each operator also
    /// computes only the d (or s) units it keeps, its layer norm over those alone. The same function as
    /// <see cref="Masked"/> when layer norm is off; with it on, the statistics cover d units instead of d_max.</summary>
    Sliced,
}

/// <param name="TableCap">Caps every embedding table (the 0.5M of supernet training and search, spec §1.5); null keeps the full tables.</param>
/// <param name="LayerNorm">Layer norm in the operators (on in every reference supernet, spec §2.6).</param>
public sealed record SupernetOptions(long? TableCap = 500_000, bool LayerNorm = true, SupernetCompute Compute = SupernetCompute.SkipZeroInputs);
