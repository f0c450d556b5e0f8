using System.CommandLine;
using NasRec.Cli.Output;
using NasRec.Dsl;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Cli.Commands;

/// <summary>
/// <c>nasrec inspect</c>: an architecture's diagnostics, derived shapes, liveness, FLOPs and parameters;
/// or a search space's supernet over a dataset: block input widths and tokens, parameters, full-path FLOPs.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "An .arch.yaml file, or a .space.yaml file (with --dataset)" }.AcceptExistingOnly();
        var dataset = new Option<string>("--dataset")
        {
            HelpName = "name|file",
            Description = "Search space only: the dataset whose inputs the supernet reads, by name in the spaces folder or as a .dataset.yaml file",
        };
        var layerNorm = new Option<bool?>("--layer-norm") { HelpName = "true|false", Description = "Search space only: layer norm in the operators (default: the space's setting)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table" };
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("inspect",
            "Checks an architecture against the spaces folder and prints its per-block shapes, liveness, FLOPs per sample and parameters; " +
            "for a search space, prints its supernet over --dataset: per-block input widths and tokens, non-embedding parameters and full-path FLOPs. " +
            "Diagnostics go to standard error as file(line,col): error NASRECnnn: message; any error exits 1.")
        {
            file, dataset, layerNorm, json, spaces,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, stderr) =>
        {
            var path = parseResult.GetRequiredValue(file).FullName;
            var datasetOption = parseResult.GetValue(dataset);
            var request = new Request(path, datasetOption,
                DatasetFile: datasetOption is not null && File.Exists(datasetOption) ? Path.GetFullPath(datasetOption) : null,
                parseResult.GetValue(layerNorm), parseResult.GetValue(json), SpacesFolder.Resolve(parseResult.GetValue(spaces), path));
            return Inspect(request, stdout, stderr);
        }));
        return command;
    }

    /// <param name="DatasetFile">The dataset option's full path when it names a file rather than a dataset of the folder.</param>
    private sealed record Request(string Path, string? Dataset, string? DatasetFile, bool? LayerNorm, bool Json, string Folder);

    private static int Inspect(Request request, TextWriter stdout, TextWriter stderr)
    {
        string[] files = request.DatasetFile is string datasetFile ? [request.Path, datasetFile] : [request.Path];
        var workspace = SpacesFolder.Load(request.Folder, files);
        var diagnostics = files.SelectMany(workspace.DiagnosticsOf).ToList();
        foreach (var diagnostic in diagnostics) stderr.WriteLine(diagnostic);
        if (diagnostics.Any(d => d.IsError)) return 1;

        var document = workspace.Files.Single(f => f.File == request.Path).Document;
        switch (document)
        {
            case Architecture architecture:
                if (request.Dataset is not null || request.LayerNorm is not null)
                {
                    throw new CommandException("--dataset and --layer-norm apply to a search space; an architecture names its dataset and layer norm");
                }
                return InspectArchitecture(architecture, workspace, request.Json, stdout, stderr);
            case SearchSpace space:
                var report = SupernetAnalyzer.Analyze(space, Dataset(request, workspace), request.LayerNorm);
                stdout.Write(request.Json ? SupernetJson.Write(report) : SupernetTable.Write(report));
                return 0;
            default:
                throw new CommandException($"{request.Path} is a {document!.Kind}, not an Architecture or a SearchSpace");
        }
    }

    private static int InspectArchitecture(Architecture architecture, Workspace workspace, bool json, TextWriter stdout, TextWriter stderr)
    {
        var space = workspace.Catalog.Space(architecture.Space);
        var dataset = workspace.Catalog.Dataset(architecture.Dataset);
        if (space is null || dataset is null)
        {
            // A space or dataset with errors of its own is not reported as unknown in the file: show why it is missing.
            foreach (var diagnostic in workspace.Diagnostics.Where(d => d.IsError)) stderr.WriteLine(diagnostic);
            return 1;
        }

        var report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);
        stdout.Write(json ? ReportJson.Write(architecture, report) : ReportTable.Write(architecture, report));
        return 0;
    }

    private static DatasetSchema Dataset(Request request, Workspace workspace)
    {
        if (request.Dataset is null) throw new CommandException("Inspecting a search space needs --dataset <name|file>: the supernet's input widths are the dataset's");
        if (request.DatasetFile is string file)
        {
            return workspace.Files.Single(f => f.File == file).Document as DatasetSchema
                ?? throw new CommandException($"{file} is not a Dataset");
        }
        return workspace.Catalog.Dataset(request.Dataset)
            ?? throw new CommandException($"Unknown dataset '{request.Dataset}' (known in {request.Folder}: {string.Join(", ", workspace.Catalog.Datasets.Select(d => d.Name))})");
    }
}
