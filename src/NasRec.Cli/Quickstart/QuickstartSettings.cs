using NasRec.Runtime.Training;

namespace NasRec.Cli.Quickstart;

/// <summary>
/// The sizes of a quickstart, scaled down from the reference's so that the whole flow runs on 2 CPU cores in minutes.
/// </summary>
/// <param name="Rows">Synthetic rows generated (split 8/1/1 into train, val and test).</param>
/// <param name="Population">The evolution's initial random population (the reference: 128).</param>
/// <param name="Tournament">Members drawn to pick a parent (the reference: 64).</param>
/// <param name="Children">Children per generation (the reference: 8).</param>
/// <param name="Generations">Generations after the initial population (the reference: 240).</param>
/// <param name="FineTuneSteps">Head fine-tuning steps per candidate (the reference: 500).</param>
/// <param name="ValidationRows">The validation prefix each candidate is scored on (the reference: 150 batches of 8,192).</param>
/// <param name="Rerank">The search's best distinct architectures retrained from scratch and ranked on validation (the reference: <see cref="RecipeDefaults.RerankTop"/>).</param>
/// <param name="Epochs">Passes over the training split of the supernet and of each retrained model.</param>
internal sealed record QuickstartSettings(
    long Rows, int Seed, int Population, int Tournament, int Children, int Generations, int FineTuneSteps, long ValidationRows, int Rerank, int Epochs)
{
    /// <summary>The supernet's starting Adagrad accumulator (the reference: 0; see <see cref="QuickstartFlow"/>).</summary>
    public const double SupernetInitialAccumulator = 1;

    public static QuickstartSettings Default { get; } = new(
        Rows: 100_000, Seed: 1, Population: 16, Tournament: 4, Children: 4, Generations: 4, FineTuneSteps: 100, ValidationRows: 8192, Rerank: 4, Epochs: 1);

    /// <summary>Every size times <paramref name="scale"/> (rows, population, generations, fine-tuning, re-ranking), at least what the flow needs.</summary>
    public QuickstartSettings Scaled(double scale)
    {
        int Times(int value, int minimum) => Math.Max(minimum, (int)Math.Round(value * scale));
        int population = Times(Population, 2);
        return this with
        {
            Rows = Math.Max(1_000, (long)Math.Round(Rows * scale)),
            Population = population,
            Tournament = Math.Clamp(Times(Tournament, 1), 1, population),
            Children = Times(Children, 1),
            Generations = Times(Generations, 1),
            FineTuneSteps = Times(FineTuneSteps, 5),
            ValidationRows = Math.Max(512, (long)Math.Round(ValidationRows * scale)),
            Rerank = Math.Min(RecipeDefaults.RerankTop, Times(Rerank, 2)),
        };
    }

    /// <summary>What the run does, and the flags that scale it up, for the user.</summary>
    public string Describe() =>
        $"{Rows:N0} synthetic rows; NASRec-Small supernet, {Epochs} epoch(s), Adagrad accumulators from {SupernetInitialAccumulator}; regularized evolution: population {Population}, tournament {Tournament}, " +
        $"{Children} children x {Generations} generations, {FineTuneSteps} head fine-tuning steps, {ValidationRows:N0} validation rows per candidate; " +
        $"the best {Rerank} retrained {Epochs} epoch(s) from scratch and ranked on validation. The reference's search: population 128, tournament 64, " +
        $"8 children x 240 generations, 500 fine-tuning steps, its best {RecipeDefaults.RerankTop} retrained (nasrec supernet train / search / rerank / train with their defaults); " +
        "here scale with --scale <factor> (e.g. --scale 4) and --rows <count>.";
}
