namespace NasRec.Dsl.Model;

/// <summary>One subnet of a search space (<c>kind: Architecture</c>). Holds only meaningful genes.</summary>
/// <param name="Dataset">The dataset whose raw input widths the architecture is built for.</param>
/// <param name="LayerNorm">Layer norm in the operators; null means the space's setting (the reference's final training turns it off).</param>
public sealed record Architecture(
    string Name,
    string Space,
    string Dataset,
    bool? LayerNorm,
    EquatableArray<Block> Blocks) : NasRecDocument(Name)
{
    public override string Kind => DocumentKinds.Architecture;
}

/// <summary>One block: a dense and a sparse operator, plus the two interaction switches.</summary>
/// <param name="DenseToSparse">The dense→sparse merger: 8 extra tokens projected from the dense output.</param>
/// <param name="Fm">The FM sparse→dense merger: FM of the sparse output added to the dense output.</param>
public sealed record Block(DenseChoice Dense, SparseChoice Sparse, bool DenseToSparse, bool Fm);

/// <summary>
/// The dense operator, its output width and what it reads: <see cref="Inputs"/> for fc and
/// dot-product, <see cref="Left"/> and <see cref="Right"/> for sum and sigmoid-gating.
/// Connection index 0 is the raw input, k the output of block k-1.
/// </summary>
public sealed record DenseChoice(DenseOperator Operator, int Width, EquatableArray<int> Inputs, int? Left, int? Right)
{
    public bool ReadsInputs => Operator is DenseOperator.Fc or DenseOperator.DotProduct;

    public bool ReadsLeftRight => Operator is DenseOperator.Sum or DenseOperator.SigmoidGating;

    public bool ReadsSparseInputs => Operator == DenseOperator.DotProduct;
}

/// <summary>The sparse operator, its output token count and the token inputs (also read by dot-product).</summary>
public sealed record SparseChoice(SparseOperator Operator, int Tokens, EquatableArray<int> Inputs)
{
    public bool ReadsInputs => Operator != SparseOperator.Zeros;
}
