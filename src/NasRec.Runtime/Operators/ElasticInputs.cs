using static TorchSharp.torch;

namespace NasRec.Runtime.Operators;

/// <summary>What a supernet block hands its operators; each reads what it needs (spec §2.3).</summary>
/// <param name="Dense">The concatenated dense inputs <c>[B, W]</c>.</param>
/// <param name="Tokens">The concatenated token inputs, transposed: <c>[B, E, N]</c>.</param>
/// <param name="KeptWidth">d: the dense units the supernet keeps of a dense operator's output.</param>
/// <param name="KeptTokens">s: the tokens the supernet keeps of a sparse operator's output (the transformer masks the others after its projection).</param>
/// <param name="Sliced">Compute only the kept units, layer norm over them alone (a departure from the reference, see
/// <c>SupernetCompute.Sliced</c>); otherwise every unit, as the reference does.</param>
public sealed record ElasticInputs(ZeroPadded Dense, ZeroPadded Tokens, ZeroPadded Left, ZeroPadded Right, long KeptWidth, long KeptTokens, bool Sliced)
{
    /// <summary>The reference's arithmetic, zeros and masked units computed (<c>SupernetCompute.Masked</c>); otherwise an
    /// operator may leave out work whose result is known exactly without it.</summary>
    public bool Masked { get; init; }

    public long Batch => Dense.LeadingShape[0];

    /// <summary>How many output units a dense operator of <paramref name="width"/> units computes: d when sliced, else all.</summary>
    public long ComputedWidth(long width) => Sliced ? KeptWidth : width;

    /// <summary>How many output tokens a sparse operator of <paramref name="tokens"/> tokens computes: s when sliced, else all.</summary>
    public long ComputedTokens(long tokens) => Sliced ? KeptTokens : tokens;
}

/// <summary>An operator's supernet mode: built at the space's widest width, it reads zero-padded inputs and returns
/// its full-width output, which the supernet masks to the chosen width (spec §2.4); sliced, only the kept units (and
/// the transformer, whose masked tokens cost the most, returns only its kept tokens whenever it is not masked).
/// Sparse operators return their tokens transposed, <c>[B, E, tokens]</c>, as token inputs travel.</summary>
public interface IElasticOperator
{
    Tensor Forward(ElasticInputs inputs);
}
