using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NasRec.Models;
using NasRec.Runtime.Data.Synthetic;

namespace NasRec.Cli.Commands.Data;

/// <summary><c>nasrec data synth</c>: seeded synthetic click data in Criteo's layout, with known best achievable logloss.</summary>
internal static class SynthCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true, NewLine = "\n" };

    public static Command Create()
    {
        var rows = new Option<long>("--rows") { HelpName = "count", Description = "Rows to generate", Required = true };
        rows.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 0) result.AddError("--rows must be 0 or more.");
        });
        var seed = new Option<int>("--seed") { HelpName = "number", Description = "The seed: the same seed and row count give the same file", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo>("--output", "-o") { HelpName = "file", Description = "The file to write (replaced atomically when complete)", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "tsv: Criteo's layout (no header, tab separated, empty cells for missing values); parquet: columns label, I1..I13, C1..C26",
            DefaultValueFactory = _ => "tsv",
        }.AcceptOnlyFromAmong("tsv", "parquet");
        var json = new Option<bool>("--json") { Description = "Print rows, positiveRate, bayesLogloss and baseRateLogloss as one JSON object" };

        var command = new Command("synth",
            "Writes seeded synthetic click data in Criteo's layout (label, 13 integer and 26 hex categorical features, some missing) " +
            "whose true click probability has first-order effects, pairwise and three-way interactions and heavy-tailed categories, " +
            "so that models with feature interactions beat logistic regression. Prints the positive rate, the logloss of the true " +
            "probabilities (the best any model can expect) and that of predicting the positive rate.")
        {
            rows, seed, output, format, json,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, _) => Synth(
            parseResult.GetValue(rows), parseResult.GetValue(seed), parseResult.GetRequiredValue(output),
            parseResult.GetValue(format) == "parquet" ? SyntheticFormat.Parquet : SyntheticFormat.Tsv, parseResult.GetValue(json), stdout)));
        return command;
    }

    private static int Synth(long rows, int seed, FileInfo output, SyntheticFormat format, bool json, TextWriter stdout)
    {
        var model = new SyntheticCtrModel(seed, CriteoDataset.Definition.TableSizes(null).ToList(), CriteoDataset.SearchTableCap);
        var stats = SyntheticFile.Write(model, rows, output.FullName, format);
        stdout.Write(json
            ? JsonSerializer.Serialize(stats, Json) + "\n"
            : string.Create(CultureInfo.InvariantCulture,
                $"{output.FullName}: {stats.Rows:N0} rows, positive rate {stats.PositiveRate:F4}, Bayes logloss {stats.BayesLogloss:F4}, base-rate logloss {stats.BaseRateLogloss:F4}\n"));
        return 0;
    }
}
