using System.CommandLine;
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
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = parsed.Errors.Count == 0 ? error : new ReadableParseErrors(error) });
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
            ExportCommand.Create(),
            ExportWeightsCommand.Create(),
            BenchCommand.Create(),
            ReportCommand.Create(),
            QuickstartCommand.Create(),
        };
    }
}
