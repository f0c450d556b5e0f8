using System.CommandLine;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Commands;

/// <summary>
/// The from-scratch budget of <c>rerank</c> and <c>search rank-check</c>. Defaults are the reference's top-15
/// re-evaluation (spec §5.2): Adagrad 0.12 with the cosine schedule, batch 512, one epoch of the train split.
/// </summary>
internal sealed class ScratchOptions
{
    private readonly Option<long?> steps;
    private readonly Option<int> epochs = new("--epochs") { Description = "Passes over the training split", DefaultValueFactory = _ => 1 };
    private readonly Option<int> batch = new("--batch") { Description = "Training batch size", DefaultValueFactory = _ => 512 };
    private readonly Option<double> lr = new("--lr") { Description = "Peak Adagrad learning rate", DefaultValueFactory = _ => 0.12 };
    private readonly Option<long> evalEvery;
    private readonly Option<string> tables = new Option<string>("--tables")
    {
        Description = "full tables or the dataset's search cap", DefaultValueFactory = _ => "full",
    }.AcceptOnlyFromAmong("full", "search-cap");
    private readonly Option<int> seed = new("--seed") { Description = "Seed of every candidate's initial weights and shuffle" };

    private ScratchOptions(long? defaultSteps, long evaluateEvery)
    {
        steps = new Option<long?>("--steps")
        {
            Description = "Optimizer steps per candidate (default: " + (defaultSteps is null ? "every batch of every epoch)" : $"{defaultSteps})"),
            DefaultValueFactory = _ => defaultSteps,
        };
        evalEvery = new Option<long>("--eval-every") { Description = "Validate every N steps and at the end (0: only at the end)", DefaultValueFactory = _ => evaluateEvery };
    }

    public static ScratchOptions Create(long? defaultSteps, long evaluateEvery) => new(defaultSteps, evaluateEvery);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { steps, epochs, batch, lr, evalEvery, tables, seed }) command.Options.Add(option);
    }

    public bool SearchCap(ParseResult r) => r.GetValue(tables) == "search-cap";

    public TrainingSettings Settings(ParseResult r)
    {
        var settings = new TrainingSettings(
            BatchSize: r.GetValue(batch),
            LearningRate: r.GetValue(lr),
            Epochs: r.GetValue(epochs),
            Steps: r.GetValue(steps),
            EvaluateEvery: r.GetValue(evalEvery),
            CheckpointEvery: 0,
            Seed: r.GetValue(seed));
        if (settings.BatchSize < 1 || settings.Epochs < 1 || settings.Steps < 1) throw new CommandException("--batch, --epochs and --steps must be at least 1");
        return settings;
    }
}
