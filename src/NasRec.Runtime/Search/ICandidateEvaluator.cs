using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>
/// Scores one candidate of the search (spec §6.3). An evaluator is deterministic for a given choice: any
/// randomness it uses (batch order, head initialization) derives from the choice's hash
/// (<c>ChoiceTokens.Hash</c>) and the search seed, so results depend neither on the number of workers
/// nor on the order candidates arrive in. The search makes one instance per worker (a <c>Func</c> factory)
/// and uses each from one thread at a time.
/// </summary>
public interface ICandidateEvaluator : IDisposable
{
    CandidateScore Evaluate(SubnetChoice choice, CancellationToken cancel);
}

/// <summary>A candidate's validation metrics; the search ranks by <see cref="ValLogloss"/> (lower is better).</summary>
public sealed record CandidateScore(double ValLogloss, double ValAuc, double ValAccuracy);
