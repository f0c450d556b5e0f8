namespace NasRec.Dsl.Model;

/// <summary>Operators that produce a block's dense output <c>[B, d]</c>.</summary>
public enum DenseOperator
{
    /// <summary><c>fc</c>: act(Linear(dense inputs → d)).</summary>
    Fc,
    /// <summary><c>dot-product</c>: pairwise dot products of the projected dense vector and round(√(2d)) tokens.</summary>
    DotProduct,
    /// <summary><c>sigmoid-gating</c>: sigmoid(Linear(left)) ⊙ right, projected to d.</summary>
    SigmoidGating,
    /// <summary><c>sum</c>: left + right, projected to d.</summary>
    Sum,
    /// <summary><c>zeros</c>: a zero output (the block contributes no dense signal).</summary>
    Zeros,
}

/// <summary>Operators that produce a block's sparse output <c>[B, s, E]</c>.</summary>
public enum SparseOperator
{
    /// <summary><c>transformer</c>: token projection, 8-head self-attention and a feed-forward layer.</summary>
    Transformer,
    /// <summary><c>efc</c>: a linear layer over the token axis, then the activation.</summary>
    Efc,
    /// <summary><c>zeros</c>: zero tokens.</summary>
    Zeros,
}

/// <summary>The activation of FC and EFC (the transformer's feed-forward always uses ReLU).</summary>
public enum Activation
{
    Relu,
    Silu,
    Identity,
}
