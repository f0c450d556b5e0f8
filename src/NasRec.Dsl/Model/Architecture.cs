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
public sealed record Block(DenseChoice Dense, SparseChoice Sparse, bool DenseToSparse, bool Fm)
{
    /// <summary>Whether anything in the block reads <c>sparse.inputs</c>: the sparse operator, or dot-product.</summary>
    public bool ReadsSparseInputs => Sparse.ReadsInputs || Dense.ReadsSparseInputs;

    /// <summary>
    /// With d = 8·E the reference's merger tokens alias the dense output, so they see the FM added in
    /// place (spec §9.3, emulated): the merger then reads the dense output after the FM.
    /// </summary>
    public bool MergerReadsFm(int embeddingDim) => DenseToSparse && Fm && Dense.Width == OperatorTraits.MergerTokens * embeddingDim;
}

/// <summary>
/// The dense operator, its output width and what it reads: <see cref="Inputs"/> for fc and
/// dot-product, <see cref="Left"/> and <see cref="Right"/> for sum and sigmoid-gating.
/// Connection index 0 is the raw input, k the output of block k-1.
/// </summary>
public sealed record DenseChoice(DenseOperator Operator, int Width, EquatableArray<int> Inputs, int? Left, int? Right)
{
    public bool ReadsInputs => Reads(OperatorReads.DenseInputs);

    public bool ReadsLeftRight => Reads(OperatorReads.LeftRight);

    public bool ReadsSparseInputs => Reads(OperatorReads.SparseInputs);

    private bool Reads(OperatorReads what) => (OperatorTraits.Of(Operator).Reads & what) != 0;
}

/// <summary>The sparse operator, its output token count and the token inputs (also read by dot-product).</summary>
public sealed record SparseChoice(SparseOperator Operator, int Tokens, EquatableArray<int> Inputs)
{
    public bool ReadsInputs => (OperatorTraits.Of(Operator).Reads & OperatorReads.SparseInputs) != 0;
}
