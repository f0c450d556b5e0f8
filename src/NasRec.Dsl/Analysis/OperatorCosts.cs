using NasRec.Dsl.Model;

namespace NasRec.Dsl.Analysis;

/// <summary>
/// Parameters and FLOPs per sample of each fixed-mode operator (spec §2.4, §8.2). FLOPs follow
/// fvcore: one multiply-add is one FLOP; only linear, matmul and layer norm (5 per element) count.
/// Bias rule: the main linears have a bias exactly when layer norm is off; the gating linears and
/// the transformer's internal layers always have one.
/// </summary>
public static class OperatorCosts
{
    /// <summary>Dot-product's balanced token count round(√(2d)) (Python rounds half to even).</summary>
    public static int DotProductTokens(int width) => (int)Math.Round(Math.Sqrt(2.0 * width), MidpointRounding.ToEven);

    public static long Linear(long inputs, long outputs, bool bias) => inputs * outputs + (bias ? outputs : 0);

    public static long LayerNorm(long width) => 2 * width;

    public static (long Parameters, long Flops) Fc(int inWidth, int width, bool ln) =>
        (Linear(inWidth, width, !ln) + (ln ? LayerNorm(width) : 0),
         (long)inWidth * width + (ln ? 5L * width : 0));

    public static (long Parameters, long Flops) Efc(int tokensIn, int tokens, int e, bool ln) =>
        (Linear(tokensIn, tokens, !ln) + (ln ? LayerNorm(tokens) : 0),
         (long)tokensIn * tokens * e + (ln ? 5L * tokens * e : 0));

    public static (long Parameters, long Flops) DotProduct(int inWidth, int tokensIn, int width, int e, bool ln)
    {
        int k = DotProductTokens(width);
        long pairs = (long)k * (k + 1) / 2;
        long parameters = Linear(pairs, width, !ln) + (ln ? LayerNorm(width) : 0);
        long flops = (long)(k + 1) * (k + 1) * e + pairs * width + (ln ? 5L * width : 0);
        if (inWidth != e)
        {
            parameters += Linear(inWidth, e, !ln) + (ln ? LayerNorm(e) : 0);
            flops += (long)inWidth * e + (ln ? 5L * e : 0);
        }
        if (tokensIn != k)
        {
            parameters += Linear(tokensIn, k, !ln) + (ln ? LayerNorm(k) : 0);
            flops += (long)tokensIn * k * e + (ln ? 5L * k * e : 0);
        }
        return (parameters, flops);
    }

    public static (long Parameters, long Flops) Sum(int left, int right, int width, bool ln)
    {
        int padded = Math.Max(left, right);
        bool projects = padded != width;
        return ((projects ? Linear(padded, width, !ln) : 0) + (ln ? LayerNorm(width) : 0),
                (projects ? (long)padded * width : 0) + (ln ? 5L * width : 0));
    }

    public static (long Parameters, long Flops) SigmoidGating(int left, int right, int width, bool ln)
    {
        int padded = Math.Max(left, right);
        bool projects = padded != width;
        return (Linear(padded, padded, true) + (projects ? Linear(padded, width, true) : 0) + (ln ? LayerNorm(width) : 0),
                (long)padded * padded + (projects ? (long)padded * width : 0) + (ln ? 5L * width : 0));
    }

    public static (long Parameters, long Flops) Transformer(int tokensIn, int tokens, int e, bool ln)
    {
        long parameters = Linear(tokensIn, tokens, !ln) + (ln ? LayerNorm(tokens) : 0)
            + Linear(e, 3 * e, true) + Linear(e, e, true)      // attention: packed QKV and output projections
            + 2 * LayerNorm(e)                                  // the two residual layer norms, always present
            + 2 * Linear(e, e, true);                           // feed-forward
        long flops = (long)tokensIn * tokens * e + (ln ? 5L * tokens * e : 0)
            + (long)tokens * e * 3 * e                          // QKV
            + 2L * e * tokens * tokens                          // scores and weighted values over all heads
            + (long)tokens * e * e                              // output projection
            + 2L * tokens * e * e                               // feed-forward
            + 2 * 5L * tokens * e;                              // residual layer norms
        return (parameters, flops);
    }

    public static (long Parameters, long Flops) Fm(int width, int e, bool ln) =>
        width == e ? (0, 0) : (Linear(e, width, !ln) + (ln ? LayerNorm(width) : 0), (long)e * width + (ln ? 5L * width : 0));

    public static (long Parameters, long Flops) DenseToSparse(int width, int e, bool ln)
    {
        int merged = OperatorTraits.MergerTokens * e;
        return width == merged ? (0, 0) : (Linear(width, merged, !ln) + (ln ? LayerNorm(merged) : 0), (long)width * merged + (ln ? 5L * merged : 0));
    }

    public static (long Parameters, long Flops) Head(int inputs) => (Linear(inputs, 1, true), inputs);
}
