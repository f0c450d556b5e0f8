using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>
/// One proposed architecture: its choice, its identity (the reference's hash, spec §6.5) and its costs. The costs
/// are those of the model one trains from it afterwards: layer norm off as the reference's final training, FLOPs per
/// sample counted as fvcore does (spec §8.2), parameters outside the embeddings that reach the head.
/// </summary>
/// <param name="Index">Position in the order candidates are proposed (the journal's line).</param>
/// <param name="Generation">The evolution's generation; -1 for the initial population and for random or list candidates.</param>
/// <param name="Parent">The parent's hash; null for candidates without one.</param>
public sealed record Candidate(
    int Index, int Generation, SubnetChoice Choice, string Hash, string? Parent, Architecture Architecture, double MegaFlops, long Parameters);

/// <summary>A candidate and its score.</summary>
public sealed record EvaluatedCandidate(Candidate Candidate, CandidateScore Score)
{
    public double ValLogloss => Score.ValLogloss;
}
