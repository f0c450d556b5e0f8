using System.CommandLine;
using NasRec.Dsl;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec check</c>: the diagnostics a build would report, for a folder of YAML documents.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("dir")
        {
            Description = "The folder to check, recursively (default: the nearest 'spaces' folder, as for --spaces)",
            Arity = ArgumentArity.ZeroOrOne,
        }.AcceptExistingOnly();

        var command = new Command("check",
            "Parses and validates every *.space.yaml, *.arch.yaml and *.dataset.yaml file of a folder together, as the generator does, " +
            "and prints each diagnostic as file(line,col): error NASRECnnn: message. Exits 1 when there is an error.")
        {
            folder,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, stderr) => Check(SpacesFolder.Resolve(parseResult.GetValue(folder)), stdout, stderr)));
        return command;
    }

    private static int Check(string folder, TextWriter stdout, TextWriter stderr)
    {
        var workspace = Workspace.LoadDirectory(folder);
        foreach (var diagnostic in workspace.Diagnostics) stderr.WriteLine(diagnostic);
        int errors = workspace.Diagnostics.Count(d => d.IsError);
        stdout.WriteLine($"{workspace.Files.Count} files, {errors} errors, {workspace.Diagnostics.Count - errors} warnings");
        return errors > 0 ? 1 : 0;
    }
}
