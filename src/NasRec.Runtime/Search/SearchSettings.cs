using System.Text.Json.Serialization;

namespace NasRec.Runtime.Search;

/// <summary>How candidates are proposed.</summary>
public enum SearchMethod
{
    /// <summary>Regularized (aging) evolution, spec §6.1.</summary>
    Evolution,
    /// <summary>Random subnets drawn as the evolution's initial population, spec §6.8 <c>--method random</c>.</summary>
    Random,
    /// <summary>A given list of architectures, spec §6.8 <c>--method cached</c>.</summary>
    List,
}

/// <summary>What a tournament selects for.</summary>
public enum SearchObjective
{
    /// <summary>The lowest validation logloss (the reference's <c>test_loss</c> criterion).</summary>
    Logloss,
    /// <summary>A random member of the tournament's non-dominated set of (validation logloss, MFLOPs).</summary>
    Pareto,
}

/// <summary>
/// Everything the search's result depends on besides the evaluator's scores; the defaults are the reference's
/// (spec §6.1). The number of workers is not here: it changes nothing in the result.
/// </summary>
/// <param name="Tournament">Members drawn without replacement from the population to pick a parent.</param>
/// <param name="Children">Children per generation, all of one parent.</param>
/// <param name="HistoryPerGeneration">The best children of each generation kept in the history (the reference's <c>ea_top_k</c>).</param>
/// <param name="Budget">Random search: candidates drawn (default: as many as the default evolution evaluates).</param>
/// <param name="TopK">Random and list search: the best candidates kept in the history.</param>
/// <param name="MaxMegaFlops">Candidates whose FLOPs per sample exceed this many millions are never evaluated.</param>
/// <param name="MaxParameters">Candidates with more live non-embedding parameters are never evaluated.</param>
/// <param name="Architectures">List search: the .arch.yaml files scored, in order.</param>
/// <param name="MaxRejectedDraws">Draws in a row that may be rejected (already visited, over the budget) before the search gives up.</param>
public sealed record SearchSettings(
    SearchMethod Method = SearchMethod.Evolution,
    int Population = 128,
    int Tournament = 64,
    int Children = 8,
    int Generations = 240,
    int HistoryPerGeneration = 2,
    int Budget = 2048,
    int TopK = 5,
    int Seed = 0,
    double? MaxMegaFlops = null,
    long? MaxParameters = null,
    SearchObjective Objective = SearchObjective.Logloss,
    IReadOnlyList<string>? Architectures = null,
    int MaxRejectedDraws = 100_000)
{
    /// <summary>How many candidates the search evaluates in all.</summary>
    [JsonIgnore]
    public int TotalCandidates => Method switch
    {
        SearchMethod.Evolution => Population + Generations * Children,
        SearchMethod.Random => Budget,
        _ => Architectures?.Count ?? 0,
    };

    /// <summary>Mutations per child in generation <paramref name="generation"/>: many early, one at the end (spec §6.1).</summary>
    public int Mutations(int generation) => (Generations - generation) / Math.Max(20, Generations / 5) + 1;

    /// <summary>Whether a candidate of these costs may be evaluated.</summary>
    public bool WithinBudget(double megaFlops, long parameters) =>
        megaFlops <= (MaxMegaFlops ?? double.PositiveInfinity) && parameters <= (MaxParameters ?? long.MaxValue);

    /// <summary>Throws <see cref="SearchException"/> for settings the algorithm cannot run with.</summary>
    public void Validate()
    {
        void Require(bool condition, string message)
        {
            if (!condition) throw new SearchException(message);
        }
        Require(Population >= 1 && Children >= 1 && Generations >= 0 && Budget >= 1 && TopK >= 1 && MaxRejectedDraws >= 1,
            "population, children, budget, top-k and the rejected draws must be at least 1, generations at least 0");
        Require(Tournament >= 1 && Tournament <= Population, $"the tournament ({Tournament}) must be between 1 and the population ({Population})");
        Require(HistoryPerGeneration >= 1 && HistoryPerGeneration <= Children, $"the history per generation ({HistoryPerGeneration}) must be between 1 and the children ({Children})");
        Require(Method != SearchMethod.List || Architectures is { Count: > 0 }, "list search needs at least one architecture");
        Require((MaxMegaFlops is null or > 0) && (MaxParameters is null or > 0), "the MFLOPs and parameter budgets must be above 0");
    }
}

/// <summary>A search that cannot go on as asked: settings, budget or a journal that does not match.</summary>
public sealed class SearchException(string message) : Exception(message);
