using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using NasRec.Dsl.Model;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Tests.Supernets;

namespace NasRec.Runtime.Tests.Search;

/// <summary>Searches over the shipped spaces run on a closed-form fitness (no training).</summary>
internal static class SearchFixtures
{
    public static SearchSpace Full => ShippedDocuments.Full;

    public static SearchSpace Small => ShippedDocuments.Small;

    public static DatasetSchema Criteo => ShippedDocuments.Criteo;

    public static Architecture Released(string name) => ShippedDocuments.Architecture(name);

    /// <summary>A small evolution: 16 members, tournaments of 8, 4 children, 10 generations (56 candidates).</summary>
    public static SearchSettings SmallEvolution { get; } = new(Population: 16, Tournament: 8, Children: 4, Generations: 10, Seed: 7);

    public static SearchResult Run(
        string folder, SearchSettings settings, int workers = 1, bool resume = false, Func<ICandidateEvaluator>? evaluators = null,
        IReadOnlyList<SubnetChoice>? architectures = null, SearchSpace? space = null)
    {
        Directory.CreateDirectory(folder);
        var execution = new SearchExecution(Path.Combine(folder, SearchJournal.FileName), resume, evaluators ?? (() => new ClosedFormEvaluator()), workers);
        return ArchitectureSearch.Run(space ?? Full, Criteo, settings, architectures ?? [], execution, CancellationToken.None);
    }
}

/// <summary>
/// A deterministic fitness of the choice alone: FC blocks, FM and width help a little, and a jitter from the genes
/// breaks ties. <paramref name="delay"/> makes workers finish out of order; <paramref name="calls"/> counts evaluations.
/// </summary>
internal sealed class ClosedFormEvaluator(StrongBox<int>? calls = null, Func<SubnetChoice, TimeSpan>? delay = null) : ICandidateEvaluator
{
    public static double Loss(SubnetChoice choice)
    {
        var genes = string.Join(";", choice.Blocks.Select(b => b.ToString()));
        double jitter = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(genes)) / (double)ulong.MaxValue;
        double structure = choice.Blocks.Sum(b => (b.DenseOperators[0] == DenseOperator.Fc ? 0.002 : 0) + (b.Fm ? 0.001 : 0) + b.DenseWidth / 1e6);
        return 0.47 - structure + 0.005 * jitter;
    }

    public CandidateScore Evaluate(SubnetChoice choice, CancellationToken cancel)
    {
        if (calls is not null) Interlocked.Increment(ref calls.Value);
        if (delay is not null) Thread.Sleep(delay(choice));
        double loss = Loss(choice);
        return new CandidateScore(loss, 1 - loss, 0.8);
    }

    public void Dispose()
    {
    }
}
