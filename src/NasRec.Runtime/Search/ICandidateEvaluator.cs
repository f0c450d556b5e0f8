using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>
/// Scores one candidate of the search (spec §6.3). An evaluator is deterministic for a given choice: any
/// randomness it uses (batch order, head initialization) derives from the choice's hash
/// (<see cref="ChoiceTokens.Hash"/>) and the search seed, so results depend neither on the number of workers
/// nor on the order candidates arrive in. The search makes one instance per worker (a <c>Func</c> factory)
/// and uses each from one thread at a time.
/// </summary>
public interface ICandidateEvaluator : IDisposable
{
    CandidateScore Evaluate(SubnetChoice choice, CancellationToken cancel);
}

/// <summary>A candidate's validation metrics; the search ranks by <see cref="ValLogloss"/> (lower is better).</summary>
public sealed record CandidateScore(double ValLogloss, double ValAuc, double ValAccuracy);

/// <summary>
/// What scores one search's candidates: opened once (a trained supernet and its data, say), shared read-only by the
/// evaluators it creates, one per worker. Disposing it releases what they share.
/// </summary>
public interface ICandidateEvaluation : IDisposable
{
    /// <summary>The space the candidates are drawn from.</summary>
    SearchSpace Space { get; }

    /// <summary>The dataset whose raw input widths the candidates are built for.</summary>
    DatasetSchema Dataset { get; }

    /// <summary>What the rows the candidates are scored on are (a store's fingerprint), so that a resumed search can refuse others; null when unknown.</summary>
    string? DataFingerprint => null;

    ICandidateEvaluator CreateEvaluator();
}
