using NasRec.Runtime.Metrics;
namespace NasRec.Runtime.Search;

/// <summary>What a search found.</summary>
/// <param name="Candidates">Every evaluated candidate, in candidate order.</param>
/// <param name="History">Evolution: the best children of each generation (spec §6.1); random and list: the best candidates.</param>
/// <param name="Front">The non-dominated candidates of (validation logloss, MFLOPs), by MFLOPs.</param>
/// <param name="OverBudgetRejected">Candidates drawn over the FLOPs or parameter budget, never evaluated.</param>
/// <param name="Evaluated">Candidates this invocation evaluated (the rest were replayed from the journal).</param>
public sealed record SearchResult(
    IReadOnlyList<EvaluatedCandidate> Candidates,
    IReadOnlyList<EvaluatedCandidate> History,
    IReadOnlyList<EvaluatedCandidate> Front,
    int OverBudgetRejected,
    int Evaluated)
{
    public EvaluatedCandidate Best => Ranking.Best(Candidates).First();

    /// <summary>The median validation logloss of the initial population (random and list: of all candidates), the bar the search should beat.</summary>
    public double InitialMedianValLogloss => Median.Of(Candidates.Where(c => c.Candidate.Generation < 0).Select(Ranking.Loss));
}

/// <summary>Reported after each candidate, in candidate order.</summary>
/// <param name="Generation">The candidate's generation (-1: initial population, random or list).</param>
/// <param name="Done">Candidates scored so far, replayed ones included.</param>
/// <param name="Remaining">The time left at this invocation's pace of evaluation (zero before the first evaluation).</param>
public sealed record SearchProgress(int Generation, int Generations, int Done, int Total, double BestValLogloss, TimeSpan Remaining);
