namespace NasRec.Dsl.Model;

/// <summary>A NASRec search space (<c>kind: SearchSpace</c>): the choices every block may take.</summary>
/// <param name="ReferenceKey">The original implementation's key (<c>autoctr</c>, <c>xlarge</c>, ...), used by import.</param>
/// <param name="DenseOperators">Dense operators in the reference's node order.</param>
/// <param name="SparseOperators">Sparse operators in the reference's node order (after the dense ones).</param>
/// <param name="MaxInputs">The most entries one block's dense or sparse input list may hold.</param>
/// <param name="DenseToSparse">Whether the per-block dense→sparse merger switch may be on.</param>
/// <param name="Fm">Whether the per-block FM (sparse→dense) switch may be on.</param>
public sealed record SearchSpace(
    string Name,
    string? ReferenceKey,
    int Blocks,
    int EmbeddingDim,
    EquatableArray<DenseOperator> DenseOperators,
    EquatableArray<SparseOperator> SparseOperators,
    EquatableArray<int> DenseWidths,
    EquatableArray<int> SparseTokens,
    int MaxInputs,
    bool DenseToSparse,
    bool Fm,
    bool LayerNorm,
    Activation Activation,
    SamplingDefaults Sampling) : NasRecDocument(Name)
{
    public override string Kind => DocumentKinds.SearchSpace;

    /// <summary>The reference's node index of a dense operator (its position in <see cref="DenseOperators"/>).</summary>
    public int NodeIndex(DenseOperator op) => DenseOperators.ToList().IndexOf(op);

    /// <summary>The reference's node index of a sparse operator (after all dense nodes).</summary>
    public int NodeIndex(SparseOperator op) => DenseOperators.Count + SparseOperators.ToList().IndexOf(op);
}

/// <summary>How a supernet over this space samples subnets by default.</summary>
/// <param name="WarmupSteps">Forwards over which the full-path probability decays from 1 to 0.</param>
public sealed record SamplingDefaults(SamplingStrategy Strategy, ConnectionCount Connections, int WarmupSteps);

/// <summary>Path-sampling strategies of the supernet (spec §3.2).</summary>
public enum SamplingStrategy
{
    /// <summary>Any-path macro (connections), single-operator micro: NASRec's main strategy.</summary>
    Default,
    SinglePath,
    AnyPath,
    FullPath,
    FixedPath,
}

/// <summary>How many connections an any-path macro choice draws (spec §3.1).</summary>
public enum ConnectionCount
{
    /// <summary><c>uniform</c>: 1 + U{0 .. min(n, max) - 1}.</summary>
    Uniform,
    /// <summary><c>binomial-0.5</c>: 1 + Binomial(min(n - 1, max - 1), 0.5).</summary>
    Binomial,
}
