using System.CommandLine;
using NasRec.Cli.Output;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec inspect</c>: an architecture's diagnostics, derived shapes, liveness, FLOPs and parameters.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("architecture") { Description = "An .arch.yaml file" }.AcceptExistingOnly();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table" };
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("inspect",
            "Checks an architecture against the spaces folder and prints its per-block shapes, liveness, FLOPs per sample and parameters. " +
            "Diagnostics go to standard error as file(line,col): error NASRECnnn: message; any error exits 1.")
        {
            file, json, spaces,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, stderr) => Inspect(
            parseResult.GetRequiredValue(file).FullName, parseResult.GetValue(json),
            SpacesFolder.Resolve(parseResult.GetValue(spaces), parseResult.GetRequiredValue(file).FullName), stdout, stderr)));
        return command;
    }

    private static int Inspect(string path, bool json, string folder, TextWriter stdout, TextWriter stderr)
    {
        var workspace = SpacesFolder.Load(folder, path);
        var diagnostics = workspace.DiagnosticsOf(path).ToList();
        foreach (var diagnostic in diagnostics) stderr.WriteLine(diagnostic);
        if (diagnostics.Any(d => d.IsError)) return 1;

        var file = workspace.Files.Single(f => f.File == path);
        if (file.Document is not Architecture architecture)
        {
            throw new CommandException($"{path} is a {file.Kind}, not an Architecture");
        }
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
}
