using NasRec.Dsl.Analysis;

namespace NasRec.Dsl.Model;

/// <summary>What an operator reads from earlier connections.</summary>
[Flags]
public enum OperatorReads
{
    Nothing = 0,
    /// <summary>The concatenated dense inputs (<c>dense.inputs</c>).</summary>
    DenseInputs = 1,
    /// <summary>Two dense connections, <c>left</c> and <c>right</c>.</summary>
    LeftRight = 2,
    /// <summary>The concatenated token inputs (<c>sparse.inputs</c>).</summary>
    SparseInputs = 4,
}

/// <summary>The sizes a block's operators are built for, as the analysis derives them.</summary>
/// <param name="DenseIn">Width of the concatenated dense inputs (0 when nothing reads them).</param>
/// <param name="Left">Width of the left input (0 when nothing reads it).</param>
/// <param name="TokensIn">Token count of the concatenated sparse inputs (0 when nothing reads them).</param>
/// <param name="Width">The dense output width d.</param>
/// <param name="Tokens">The sparse operator's output token count s (without merger tokens).</param>
public readonly record struct OperatorShape(int DenseIn, int Left, int Right, int TokensIn, int Width, int Tokens, int EmbeddingDim, bool LayerNorm);

/// <summary>
/// A runtime operator module (a type of <c>NasRec.Runtime.Operators</c>) and its constructor
/// arguments: the sizes, then the layer-norm switch and the activation where the type takes them.
/// </summary>
public sealed record OperatorModule(string Type, EquatableArray<long> Sizes, bool TakesLayerNorm, bool TakesActivation);

/// <summary>
/// Everything known about one operator, in one table: what it reads, its cost and the module that
/// computes it. The analysis, the generator's emitter and the interpreted subnet all read it, so an
/// operator is described once; an operator value outside the table fails loudly everywhere.
/// </summary>
public sealed class OperatorTraits
{
    /// <summary>Tokens the dense→sparse merger adds: a projection to 8·E reshaped to [8, E].</summary>
    public const int MergerTokens = 8;

    /// <summary>Attention heads of the transformer operator (head dim E / 8 = 2 for E = 16).</summary>
    public const int TransformerHeads = 8;

    private static readonly OperatorTraits FcTraits = new(OperatorReads.DenseInputs,
        s => OperatorCosts.Fc(s.DenseIn, s.Width, s.LayerNorm),
        "FcOperator", s => [s.DenseIn, s.Width], layerNorm: true, activation: true);

    private static readonly OperatorTraits DotProductTraits = new(OperatorReads.DenseInputs | OperatorReads.SparseInputs,
        s => OperatorCosts.DotProduct(s.DenseIn, s.TokensIn, s.Width, s.EmbeddingDim, s.LayerNorm),
        "DotProductOperator", s => [s.DenseIn, s.TokensIn, s.Width, s.EmbeddingDim], layerNorm: true, activation: false);

    private static readonly OperatorTraits SumTraits = new(OperatorReads.LeftRight,
        s => OperatorCosts.Sum(s.Left, s.Right, s.Width, s.LayerNorm),
        "SumOperator", s => [s.Left, s.Right, s.Width], layerNorm: true, activation: false);

    private static readonly OperatorTraits SigmoidGatingTraits = new(OperatorReads.LeftRight,
        s => OperatorCosts.SigmoidGating(s.Left, s.Right, s.Width, s.LayerNorm),
        "SigmoidGatingOperator", s => [s.Left, s.Right, s.Width], layerNorm: true, activation: false);

    private static readonly OperatorTraits DenseZerosTraits = new(OperatorReads.Nothing,
        _ => (0, 0),
        "DenseZeros", s => [s.Width], layerNorm: false, activation: false);

    private static readonly OperatorTraits TransformerTraits = new(OperatorReads.SparseInputs,
        s => OperatorCosts.Transformer(s.TokensIn, s.Tokens, s.EmbeddingDim, s.LayerNorm),
        "TransformerOperator", s => [s.TokensIn, s.Tokens, s.EmbeddingDim], layerNorm: true, activation: false);

    private static readonly OperatorTraits EfcTraits = new(OperatorReads.SparseInputs,
        s => OperatorCosts.Efc(s.TokensIn, s.Tokens, s.EmbeddingDim, s.LayerNorm),
        "EfcOperator", s => [s.TokensIn, s.Tokens], layerNorm: true, activation: true);

    private static readonly OperatorTraits SparseZerosTraits = new(OperatorReads.Nothing,
        _ => (0, 0),
        "SparseZeros", s => [s.Tokens, s.EmbeddingDim], layerNorm: false, activation: false);

    /// <summary>The FM sparse→dense merger: FM of the block's sparse output, projected to d, added to its dense output.</summary>
    public static readonly OperatorTraits Fm = new(OperatorReads.Nothing,
        s => OperatorCosts.Fm(s.Width, s.EmbeddingDim, s.LayerNorm),
        "FactorizationMachine", s => [s.EmbeddingDim, s.Width], layerNorm: true, activation: false);

    /// <summary>The dense→sparse merger: the block's dense output as <see cref="MergerTokens"/> more tokens.</summary>
    public static readonly OperatorTraits DenseToSparse = new(OperatorReads.Nothing,
        s => OperatorCosts.DenseToSparse(s.Width, s.EmbeddingDim, s.LayerNorm),
        "DenseToSparseMerger", s => [s.Width, s.EmbeddingDim], layerNorm: true, activation: false);

    private readonly Func<OperatorShape, (long Parameters, long Flops)> cost;
    private readonly string moduleType;
    private readonly Func<OperatorShape, long[]> sizes;
    private readonly bool takesLayerNorm;
    private readonly bool takesActivation;

    private OperatorTraits(OperatorReads reads, Func<OperatorShape, (long, long)> cost, string moduleType, Func<OperatorShape, long[]> sizes, bool layerNorm, bool activation)
    {
        Reads = reads;
        this.cost = cost;
        this.moduleType = moduleType;
        this.sizes = sizes;
        takesLayerNorm = layerNorm;
        takesActivation = activation;
    }

    public OperatorReads Reads { get; }

    /// <summary>Parameters and FLOPs per sample (spec §2.4, §8.2).</summary>
    public (long Parameters, long Flops) Cost(OperatorShape shape) => cost(shape);

    /// <summary>The module that computes the operator at these sizes.</summary>
    public OperatorModule Module(OperatorShape shape) => new(moduleType, sizes(shape).ToEquatableArray(), takesLayerNorm, takesActivation);

    public static OperatorTraits Of(DenseOperator op) => op switch
    {
        DenseOperator.Fc => FcTraits,
        DenseOperator.DotProduct => DotProductTraits,
        DenseOperator.Sum => SumTraits,
        DenseOperator.SigmoidGating => SigmoidGatingTraits,
        DenseOperator.Zeros => DenseZerosTraits,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown dense operator."),
    };

    public static OperatorTraits Of(SparseOperator op) => op switch
    {
        SparseOperator.Transformer => TransformerTraits,
        SparseOperator.Efc => EfcTraits,
        SparseOperator.Zeros => SparseZerosTraits,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown sparse operator."),
    };
}
