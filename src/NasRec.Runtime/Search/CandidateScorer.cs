using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace NasRec.Runtime.Search;

/// <summary>
/// Scores the candidates of one batch (an initial population, a generation's children): from an interrupted run's
/// journal where it holds them, else by evaluators on up to <c>workers</c> threads, each with its own evaluator. The
/// results are appended to the journal in candidate order whatever order the workers finish in, so the journal is
/// the same for any number of workers.
/// </summary>
internal sealed class CandidateScorer(Func<ICandidateEvaluator> createEvaluator, int workers, IReadOnlyList<JournalEntry> replay, SearchJournal journal)
    : IDisposable
{
    private readonly ConcurrentBag<ICandidateEvaluator> idle = [];
    private readonly ConcurrentBag<ICandidateEvaluator> created = [];

    /// <summary>Candidates evaluated (not replayed) by this invocation.</summary>
    public int Evaluated { get; private set; }

    /// <summary>Scores <paramref name="candidates"/> (consecutive indices); <paramref name="done"/> sees each in order.</summary>
    public IReadOnlyList<EvaluatedCandidate> Score(IReadOnlyList<Candidate> candidates, Action<EvaluatedCandidate> done, CancellationToken cancel)
    {
        var results = new EvaluatedCandidate?[candidates.Count];
        var pending = new List<int>();
        for (int i = 0; i < candidates.Count; i++)
        {
            if (candidates[i].Index < replay.Count) results[i] = Replayed(candidates[i], replay[candidates[i].Index]);
            else pending.Add(i);
        }

        int written = 0;
        var writing = new Lock();
        void Publish()
        {
            lock (writing)
            {
                for (; written < results.Length && results[written] is { } result; written++)
                {
                    if (result.Candidate.Index >= replay.Count) journal.Append(result);
                    done(result);
                }
            }
        }

        Publish();
        try
        {
            Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel }, i =>
            {
                var evaluator = Rent();
                try
                {
                    results[i] = new EvaluatedCandidate(candidates[i], evaluator.Evaluate(candidates[i].Choice, cancel));
                }
                finally
                {
                    idle.Add(evaluator);
                }
                lock (writing) Evaluated++;
                Publish();
            });
        }
        catch (AggregateException e)
        {
            // A cancellation wins over the failures it caused in other workers.
            var first = e.InnerExceptions.FirstOrDefault(x => x is OperationCanceledException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
        return results.Select(r => r!).ToList();
    }

    public void Dispose()
    {
        foreach (var evaluator in created) evaluator.Dispose();
    }

    private ICandidateEvaluator Rent()
    {
        if (idle.TryTake(out var evaluator)) return evaluator;
        evaluator = createEvaluator();
        created.Add(evaluator);
        return evaluator;
    }

    private static EvaluatedCandidate Replayed(Candidate candidate, JournalEntry entry)
    {
        if (entry.Index != candidate.Index || entry.Hash != candidate.Hash)
        {
            throw new SearchException(
                $"the journal's line {candidate.Index + 1} holds candidate {entry.Index} ({entry.Hash}), but this search proposes {candidate.Hash} " +
                "there: the journal was written with other settings, another seed or another search space");
        }
        return new EvaluatedCandidate(candidate, new CandidateScore(entry.ValLogloss, entry.ValAuc, entry.ValAccuracy));
    }
}
