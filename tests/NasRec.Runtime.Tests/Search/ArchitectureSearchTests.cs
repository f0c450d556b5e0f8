using System.Runtime.CompilerServices;
using NasRec.Runtime.Search;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Tests.Search;

public sealed class ArchitectureSearchTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-search-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void EvolutionEvaluatesPopulationPlusChildrenPerGeneration()
    {
        var settings = SearchFixtures.SmallEvolution;
        var result = SearchFixtures.Run(Dir("a"), settings);

        Assert.Equal(16 + 10 * 4, result.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 56), result.Candidates.Select(c => c.Candidate.Index));
        Assert.All(result.Candidates.Take(16), c => Assert.Equal(-1, c.Candidate.Generation));
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(g => Enumerable.Repeat(g, 4)), result.Candidates.Skip(16).Select(c => c.Candidate.Generation));
        Assert.Equal(56, File.ReadAllLines(Path.Combine(Dir("a"), SearchJournal.FileName)).Length);
    }

    [Fact]
    public void ParentIsTheBestOfTheAgedPopulationWhenTheTournamentTakesEveryone()
    {
        // With the tournament as large as the population, the parent of generation g must be the best of the
        // population left by FIFO aging: candidates g·C .. P + g·C - 1 (fitness plays no part in who leaves).
        var settings = SearchFixtures.SmallEvolution with { Tournament = 16 };
        var candidates = SearchFixtures.Run(Dir("a"), settings).Candidates;

        for (int g = 0; g < settings.Generations; g++)
        {
            var population = candidates.Skip(g * settings.Children).Take(settings.Population);
            var children = candidates.Where(c => c.Candidate.Generation == g).ToList();
            var best = Ranking.Best(population).First();
            Assert.All(children, c => Assert.Equal(best.Candidate.Hash, c.Candidate.Parent));
        }
    }

    [Fact]
    public void TournamentParentIsTheBestOfSomeTournamentOfTheAgedPopulation()
    {
        var settings = SearchFixtures.SmallEvolution;
        var candidates = SearchFixtures.Run(Dir("a"), settings).Candidates;

        for (int g = 0; g < settings.Generations; g++)
        {
            var population = candidates.Skip(g * settings.Children).Take(settings.Population).ToList();
            var parent = candidates.First(c => c.Candidate.Generation == g).Candidate.Parent;
            int rank = Ranking.Best(population).ToList().FindIndex(c => c.Candidate.Hash == parent);
            // The best of 8 drawn out of 16 ranks among the 9 best: at least 8 members are no better than it.
            Assert.InRange(rank, 0, settings.Population - settings.Tournament);
        }
    }

    [Fact]
    public void HistoryHoldsTheTwoBestChildrenOfEachGeneration()
    {
        var result = SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution);

        var expected = result.Candidates.Where(c => c.Candidate.Generation >= 0)
            .GroupBy(c => c.Candidate.Generation)
            .SelectMany(generation => generation.OrderBy(c => c.ValLogloss).Take(2));
        Assert.Equal(expected.Select(c => c.Candidate.Hash), result.History.Select(c => c.Candidate.Hash));
    }

    [Fact]
    public void ChildrenAreNeverEvaluatedTwiceEvenWhenOneMutationOftenRepeats()
    {
        // Small space, one mutation per child (short search), 24 children per generation of one parent: many draws
        // repeat a visited hash and must be mutated further.
        var settings = new SearchSettings(Population: 8, Tournament: 4, Children: 24, Generations: 6, Seed: 1);
        var result = SearchFixtures.Run(Dir("a"), settings, space: SearchFixtures.Small);

        var children = result.Candidates.Where(c => c.Candidate.Generation >= 0).Select(c => c.Candidate.Hash).ToList();
        Assert.Equal(children.Count, children.Distinct().Count());
    }

    [Fact]
    public void SameSeedGivesTheSameJournalAndOtherSeedsDiffer()
    {
        var first = SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution);
        var again = SearchFixtures.Run(Dir("b"), SearchFixtures.SmallEvolution);
        var other = SearchFixtures.Run(Dir("c"), SearchFixtures.SmallEvolution with { Seed = 8 });

        Assert.Equal(Journal("a"), Journal("b"));
        Assert.Equal(first.History.Select(c => c.Candidate.Hash), again.History.Select(c => c.Candidate.Hash));
        Assert.NotEqual(Journal("a"), Journal("c"));
        Assert.NotEqual(first.Candidates[0].Candidate.Hash, other.Candidates[0].Candidate.Hash);
    }

    [Fact]
    public void FourWorkersWriteTheSameJournalAsOne()
    {
        // Workers finish out of order (delays from the genes); the journal still follows candidate order.
        TimeSpan Delay(SubnetChoice choice) => TimeSpan.FromMilliseconds(ClosedFormEvaluator.Loss(choice) * 1e4 % 5);
        var evaluators = new StrongBox<int>();
        SearchFixtures.Run(Dir("one"), SearchFixtures.SmallEvolution);
        SearchFixtures.Run(Dir("four"), SearchFixtures.SmallEvolution, workers: 4, evaluators: () =>
        {
            Interlocked.Increment(ref evaluators.Value);
            return new ClosedFormEvaluator(delay: Delay);
        });

        Assert.Equal(Journal("one"), Journal("four"));
        Assert.InRange(evaluators.Value, 1, 4);
    }

    [Fact]
    public void BudgetIsNeverExceededAndRejectionsAreCounted()
    {
        var settings = SearchFixtures.SmallEvolution with { MaxMegaFlops = 1.0, MaxParameters = 1_500_000 };
        var result = SearchFixtures.Run(Dir("a"), settings);

        Assert.Equal(56, result.Candidates.Count);
        Assert.All(result.Candidates, c => Assert.True(c.Candidate.MegaFlops <= 1.0 && c.Candidate.Parameters <= 1_500_000));
        Assert.True(result.OverBudgetRejected > 0);
    }

    [Fact]
    public void ImpossibleBudgetFailsInsteadOfLoopingForever()
    {
        var error = Assert.Throws<SearchException>(() => SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution with { MaxMegaFlops = 1e-6, MaxRejectedDraws = 200 }));

        Assert.Contains("--max-mflops", error.Message);
    }

    [Theory]
    [InlineData(SearchObjective.Logloss)]
    [InlineData(SearchObjective.Pareto)]
    public void FrontIsNonDominatedAndComplete(SearchObjective objective)
    {
        var result = SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution with { Objective = objective });

        static bool Dominates(EvaluatedCandidate a, EvaluatedCandidate b) =>
            a.ValLogloss <= b.ValLogloss && a.Candidate.MegaFlops <= b.Candidate.MegaFlops &&
            (a.ValLogloss < b.ValLogloss || a.Candidate.MegaFlops < b.Candidate.MegaFlops);

        Assert.All(result.Front, f => Assert.DoesNotContain(result.Candidates, c => Dominates(c, f)));
        Assert.All(result.Candidates.Except(result.Front), c => Assert.Contains(result.Front, f =>
            Dominates(f, c) || (f.ValLogloss == c.ValLogloss && f.Candidate.MegaFlops == c.Candidate.MegaFlops)));
        Assert.Equal(result.Front.OrderBy(f => f.Candidate.MegaFlops), result.Front);
    }

    [Fact]
    public void ParetoParentsLieOnTheFrontOfTheAgedPopulationWhenTheTournamentTakesEveryone()
    {
        var settings = SearchFixtures.SmallEvolution with { Tournament = 16, Objective = SearchObjective.Pareto };
        var candidates = SearchFixtures.Run(Dir("a"), settings).Candidates;

        for (int g = 0; g < settings.Generations; g++)
        {
            var front = ParetoFront.Of(candidates.Skip(g * settings.Children).Take(settings.Population));
            Assert.Contains(candidates.First(c => c.Candidate.Generation == g).Candidate.Parent, front.Select(f => f.Candidate.Hash));
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(23, false)]
    [InlineData(23, true)]
    [InlineData(55, true)]
    [InlineData(56, false)]
    public void ResumeAfterAnInterruptionEndsAsTheUninterruptedRun(int keptLines, bool tornLine)
    {
        var uninterrupted = SearchFixtures.Run(Dir("full"), SearchFixtures.SmallEvolution);
        var lines = Journal("full");
        var interrupted = Path.Combine(Dir("cut"), SearchJournal.FileName);
        File.WriteAllText(interrupted, string.Concat(lines.Take(keptLines).Select(l => l + "\n")) + (tornLine ? lines[keptLines][..40] : ""));

        var calls = new StrongBox<int>();
        var resumed = SearchFixtures.Run(Dir("cut"), SearchFixtures.SmallEvolution, resume: true, evaluators: () => new ClosedFormEvaluator(calls));

        Assert.Equal(lines, Journal("cut"));
        Assert.Equal(56 - keptLines, calls.Value);
        Assert.Equal(56 - keptLines, resumed.Evaluated);
        Assert.Equal(uninterrupted.History.Select(c => c.Candidate.Hash), resumed.History.Select(c => c.Candidate.Hash));
        Assert.Equal(uninterrupted.Best.Candidate.Hash, resumed.Best.Candidate.Hash);
    }

    [Fact]
    public void ResumeRefusesAJournalOfAnotherSeed()
    {
        SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution);

        var error = Assert.Throws<SearchException>(() => SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution with { Seed = 9 }, resume: true));

        Assert.Contains("other settings", error.Message);
    }

    [Fact]
    public void RandomSearchKeepsTheTopKOfItsBudget()
    {
        var result = SearchFixtures.Run(Dir("a"), new SearchSettings(Method: SearchMethod.Random, Budget: 20, TopK: 3, Seed: 2));

        Assert.Equal(20, result.Candidates.Count);
        Assert.All(result.Candidates, c => Assert.Null(c.Candidate.Parent));
        Assert.Equal(Ranking.Best(result.Candidates).Take(3), result.History);
    }

    [Fact]
    public void ListSearchScoresTheGivenArchitecturesInOrder()
    {
        var choices = new[] { "CriteoNasRecNetFull", "AvazuNasRecNetFull", "KddNasRecNetFull" }
            .Select(name => SubnetChoice.Of(SearchFixtures.Released(name), SearchFixtures.Full)).ToList();

        var result = SearchFixtures.Run(Dir("a"), new SearchSettings(Method: SearchMethod.List, Architectures: ["a", "b", "c"]), architectures: choices);

        Assert.Equal(choices.Select(c => ChoiceTokens.Hash(c, SearchFixtures.Full)), result.Candidates.Select(c => c.Candidate.Hash));
        Assert.Equal(choices.Select(ClosedFormEvaluator.Loss), result.Candidates.Select(c => c.ValLogloss));
        // The released Criteo-Full model, as a Criteo candidate: 1.4662 MFLOPs (spec §8.2).
        Assert.Equal(1.4662, result.Candidates[0].Candidate.MegaFlops, 4);
    }

    [Fact]
    public void EvolutionBeatsTheMedianOfItsInitialPopulation()
    {
        var result = SearchFixtures.Run(Dir("a"), SearchFixtures.SmallEvolution);

        Assert.True(result.Best.ValLogloss < result.InitialMedianValLogloss);
        Assert.True(result.History.Average(c => c.ValLogloss) < result.InitialMedianValLogloss);
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(folder.FullName, name)).FullName;

    private string[] Journal(string name) => File.ReadAllLines(Path.Combine(Dir(name), SearchJournal.FileName));
}
