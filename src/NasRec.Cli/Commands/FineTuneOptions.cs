using System.CommandLine;
using NasRec.Runtime.Search;

namespace NasRec.Cli.Commands;

/// <summary>How each candidate's inherited head is fine-tuned and scored (spec §3.4, §6.3); defaults are the reference's for Criteo.</summary>
internal sealed class FineTuneOptions
{
    private static readonly FineTuneSettings Defaults = new();

    private readonly Option<int> steps = new("--finetune-steps") { Description = "Head fine-tuning steps on the first training batches", DefaultValueFactory = _ => Defaults.Steps };
    private readonly Option<int> batch = new("--finetune-batch") { Description = "Head fine-tuning batch size (the reference's KDD scripts use 1024)", DefaultValueFactory = _ => Defaults.BatchSize };
    private readonly Option<double> lr = new("--finetune-lr") { Description = "Peak Adagrad rate of the head fine-tuning", DefaultValueFactory = _ => Defaults.LearningRate };
    private readonly Option<long> validationRows = new("--val-rows")
    {
        Description = "Rows of the validation prefix candidates are scored on (the reference: 150 batches of 8,192 for Criteo, 125 Avazu, 175 KDD); " +
            "a smaller store gives all its validation rows",
        DefaultValueFactory = _ => Defaults.ValidationRows,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { steps, batch, lr, validationRows }) command.Options.Add(option);
    }

    public FineTuneSettings Settings(ParseResult r)
    {
        var settings = Defaults with
        {
            Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), ValidationRows = r.GetValue(validationRows),
        };
        if (settings.Steps < 0 || settings.BatchSize < 1 || settings.ValidationRows < 1)
            throw new CommandException("--finetune-steps must be at least 0, --finetune-batch and --val-rows at least 1");
        if (!(settings.LearningRate > 0 && double.IsFinite(settings.LearningRate))) throw new CommandException("--finetune-lr must be above 0");
        return settings;
    }
}
