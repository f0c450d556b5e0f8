using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using NasRec.Cli.Commands;
using NasRec.Cli.Commands.Data;

namespace NasRec.Cli;

/// <summary>Builds the <c>nasrec</c> command tree.</summary>
public static class NasRecCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the command, or reports why they do not parse, on the given writers.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count == 0) return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        // The error lines and where the options are described: the whole help printed before them would bury them.
        if (parsed.Action is ParseErrorAction errors) errors.ShowHelp = false;
        int exitCode = parsed.Invoke(new InvocationConfiguration { Output = output, Error = new ReadableParseErrors(error) });
        error.WriteLine($"See '{CommandPath(parsed.CommandResult)} --help'.");
        return exitCode;
    }

    /// <summary>"nasrec data prepare" for the command a parse reached.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: not RootCommand } named) names.Insert(0, named.Command.Name);
        }
        return string.Join(' ', names.Prepend("nasrec"));
    }

    public static RootCommand Create()
    {
        var search = SearchCommand.Create(SearchCommand.OpenSupernet);
        search.Subcommands.Add(RankCheckCommand.Create());
        // RootCommand brings --help and --version (the assembly's informational version).
        return new RootCommand(
            "NasRec.Dsl: weight-sharing neural architecture search for click-through-rate models (NASRec, WWW'23). " +
            "Search spaces, architectures and datasets are YAML documents compiled into typed TorchSharp classes. " +
            CommandAction.ExitCodes)
        {
            CheckCommand.Create(),
            DataCommand.Create(),
            ImportCommand.Create(),
            InspectCommand.Create(),
            TrainCommand.Create(),
            RerankCommand.Create(),
            SupernetCommand.Create(),
            search,
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            ExportWeightsCommand.Create(),
            BenchCommand.Create(),
            ReportCommand.Create(),
            QuickstartCommand.Create(),
        };
    }
}
