using System.Diagnostics;
using System.Globalization;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Search;

/// <summary>Where and how a search runs; none of it changes the result.</summary>
/// <param name="Resume">Replay the scores of the journal an interrupted run left at <paramref name="JournalFile"/>, then go on.</param>
/// <param name="CreateEvaluator">Makes one worker's evaluator.</param>
public sealed record SearchExecution(
    string JournalFile, bool Resume, Func<ICandidateEvaluator> CreateEvaluator, int Workers = 1, Action<SearchProgress>? Progress = null);

/// <summary>
/// Regularized evolution, random search and list scoring (spec §6.1, §6.2, §6.8), seeded: every draw comes from one
/// <see cref="ChoiceRandom"/>, and the draws never depend on how long an evaluation takes or which worker ran it. The
/// result is therefore a function of the settings, the seed and the evaluator's scores alone, which is what lets a
/// resumed run replay its journal's scores and end exactly as an uninterrupted one.
/// </summary>
public sealed class ArchitectureSearch
{
    private readonly SearchSpace space;
    private readonly DatasetSchema dataset;
    private readonly SearchSettings settings;
    private readonly ChoiceRandom random;
    private readonly CandidateScorer scorer;
    private readonly SearchExecution execution;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<EvaluatedCandidate> evaluated = [];
    private int overBudget;
    private int nextIndex;
    private double bestLoss = double.PositiveInfinity;

    private ArchitectureSearch(SearchSpace space, DatasetSchema dataset, SearchSettings settings, SearchExecution execution, CandidateScorer scorer)
    {
        this.space = space;
        this.dataset = dataset;
        this.settings = settings;
        this.execution = execution;
        this.scorer = scorer;
        random = new ChoiceRandom(settings.Seed);
    }

    /// <param name="architectures">List search: the choices to score, in order (ignored by the other methods).</param>
    public static SearchResult Run(
        SearchSpace space, DatasetSchema dataset, SearchSettings settings, IReadOnlyList<SubnetChoice> architectures, SearchExecution execution,
        CancellationToken cancel)
    {
        settings.Validate();
        if (execution.Workers < 1) throw new SearchException("at least one worker is needed");
        IReadOnlyList<JournalEntry> replay = [];
        using var journal = execution.Resume && File.Exists(execution.JournalFile)
            ? SearchJournal.Resume(execution.JournalFile, out replay)
            : SearchJournal.Create(execution.JournalFile);
        using var scorer = new CandidateScorer(execution.CreateEvaluator, execution.Workers, replay, journal);
        var search = new ArchitectureSearch(space, dataset, settings, execution, scorer);
        return settings.Method switch
        {
            SearchMethod.Evolution => search.Evolve(cancel),
            SearchMethod.Random => search.Ranked(Enumerable.Range(0, settings.Budget).Select(_ => search.Draw()).ToList(), cancel),
            _ => search.Ranked(architectures.Select(search.Listed).OfType<Candidate>().ToList(), cancel),
        };
    }

    /// <summary>Spec §6.1: a random initial population, then per generation a tournament, mutated children, history and aging.</summary>
    private SearchResult Evolve(CancellationToken cancel)
    {
        var population = Score(Enumerable.Range(0, settings.Population).Select(_ => Draw()).ToList(), cancel).ToList();
        var history = new List<EvaluatedCandidate>();
        // Only children enter `visited`: a child equal to an initial member or to its parent is new to the reference too.
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (int generation = 0; generation < settings.Generations; generation++)
        {
            var parent = Tournament(population);
            int mutations = settings.Mutations(generation);
            // All children are drawn before any is evaluated: the draws cannot depend on the workers.
            var children = Enumerable.Range(0, settings.Children).Select(_ => Child(parent, mutations, generation, visited)).ToList();
            var scored = Score(children, cancel);
            history.AddRange(Ranking.Best(scored).Take(settings.HistoryPerGeneration));
            population.AddRange(scored);
            population.RemoveRange(0, settings.Children);    // aging: the oldest go, whatever their fitness
        }
        return Result(history);
    }

    private SearchResult Ranked(IReadOnlyList<Candidate> candidates, CancellationToken cancel)
    {
        var scored = Score(candidates, cancel);
        return Result(Ranking.Best(scored).Take(settings.Method == SearchMethod.List ? scored.Count : settings.TopK).ToList());
    }

    private SearchResult Result(IReadOnlyList<EvaluatedCandidate> history) =>
        new(evaluated, history, ParetoFront.Of(evaluated), overBudget, scorer.Evaluated);

    /// <summary>
    /// <see cref="SearchSettings.Tournament"/> members drawn without replacement; the parent is the one with the lowest
    /// logloss (ties: the oldest) or, for <see cref="SearchObjective.Pareto"/>, a uniform draw among the members no
    /// other member of the tournament dominates in (logloss, MFLOPs).
    /// </summary>
    private EvaluatedCandidate Tournament(List<EvaluatedCandidate> population)
    {
        var members = ChoiceDraws.Distinct(random, settings.Tournament, population.Count).Select(i => population[i]).ToList();
        if (settings.Objective == SearchObjective.Logloss) return members.OrderBy(Ranking.Loss).First();
        var front = ParetoFront.Of(members);
        return front.Count > 0 ? random.Pick(front) : members[0];
    }

    /// <summary>
    /// Spec §6.1: m mutations of the parent; a hash already in <paramref name="visited"/> gets m more mutations of the
    /// mutated child (not of the parent). A child over the budget is dropped and drawn again from the parent.
    /// </summary>
    private Candidate Child(EvaluatedCandidate parent, int mutations, int generation, HashSet<string> visited)
    {
        var choice = parent.Candidate.Choice;
        for (int draws = 0; draws < settings.MaxRejectedDraws; draws++)
        {
            for (int k = 0; k < mutations; k++) choice = ChoiceMutation.Mutate(choice, space, random);
            var hash = ChoiceTokens.Hash(choice, space);
            if (visited.Contains(hash)) continue;
            if (Propose(choice, hash, generation, parent.Candidate.Hash) is not { } child)
            {
                choice = parent.Candidate.Choice;
                continue;
            }
            visited.Add(hash);
            return child;
        }
        throw GiveUp();
    }

    /// <summary>A random candidate within the budget (the initial population, random search).</summary>
    private Candidate Draw()
    {
        for (int draws = 0; draws < settings.MaxRejectedDraws; draws++)
        {
            var choice = ChoiceMutation.RandomChoice(space, random);
            if (Propose(choice, ChoiceTokens.Hash(choice, space), generation: -1, parent: null) is { } candidate) return candidate;
        }
        throw GiveUp();
    }

    private Candidate? Listed(SubnetChoice choice) => Propose(choice, ChoiceTokens.Hash(choice, space), generation: -1, parent: null);

    /// <summary>The next candidate, or null (counted) when it is over the budget.</summary>
    private Candidate? Propose(SubnetChoice choice, string hash, int generation, string? parent)
    {
        int index = nextIndex;
        // The model trained from a candidate afterwards has layer norm off, as the reference's final training (spec §2.6).
        var architecture = choice.ToArchitecture("Candidate" + index.ToString(CultureInfo.InvariantCulture), space, dataset) with { LayerNorm = false };
        var report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);
        if (!settings.WithinBudget(report.MegaFlops, report.LiveNonEmbeddingParameters))
        {
            overBudget++;
            return null;
        }
        nextIndex++;
        return new Candidate(index, generation, choice, hash, parent, architecture, report.MegaFlops, report.LiveNonEmbeddingParameters);
    }

    private IReadOnlyList<EvaluatedCandidate> Score(IReadOnlyList<Candidate> candidates, CancellationToken cancel) =>
        scorer.Score(candidates, Report, cancel);

    private void Report(EvaluatedCandidate candidate)
    {
        evaluated.Add(candidate);
        bestLoss = Math.Min(bestLoss, Ranking.Loss(candidate));
        if (execution.Progress is not { } progress) return;
        int total = Math.Max(settings.TotalCandidates, evaluated.Count);
        var perCandidate = scorer.Evaluated == 0 ? TimeSpan.Zero : clock.Elapsed / scorer.Evaluated;
        progress(new SearchProgress(candidate.Candidate.Generation, settings.Generations, evaluated.Count, total, bestLoss,
            perCandidate * (total - evaluated.Count)));
    }

    private SearchException GiveUp() => new(string.Create(CultureInfo.InvariantCulture,
        $"{settings.MaxRejectedDraws:N0} draws in a row were over the budget or already evaluated: loosen --max-mflops / --max-params or search fewer candidates"));
}
