using System.CommandLine;
using NasRec.Cli.Reports;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec report</c>: a report folder (report.md and PNG plots) of a search or of one training run.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var search = new Option<DirectoryInfo>("--search") { HelpName = "dir", Description = "A search folder (nasrec search --output)" }.AcceptExistingOnly();
        var run = new Option<DirectoryInfo>("--run") { HelpName = "dir", Description = "A training run folder, reported on its own (instead of --search)" }.AcceptExistingOnly();
        var supernet = new Option<DirectoryInfo>("--supernet") { HelpName = "run dir", Description = "The supernet's run folder, for its training curves" }.AcceptExistingOnly();
        var winner = new Option<DirectoryInfo>("--winner") { HelpName = "run dir", Description = "The run folder of the found architecture retrained from scratch (nasrec train)" }.AcceptExistingOnly();
        var output = new Option<DirectoryInfo>("--output", "-o") { HelpName = "dir", Description = "The report folder (default: report/ inside the search or run folder)" };
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("report",
            "Writes a report folder: report.md with PNG plots. For a search: best and median validation logloss per generation, every " +
            "candidate's validation logloss against its MFLOPs with the Pareto front, the training curves of the supernet and of the " +
            "retrained winner, the winner's block table and YAML, the settings and seed. For a run: its curves, test metrics and model.")
        {
            search, run, supernet, winner, output, spaces,
        };
        command.SetAction(CommandAction.Of((r, stdout, _) =>
        {
            var searchFolder = r.GetValue(search);
            var runFolder = r.GetValue(run);
            if ((searchFolder is null) == (runFolder is null)) throw new CommandException("give one of --search <dir> and --run <dir>");
            if (runFolder is not null && (r.GetValue(supernet) ?? r.GetValue(winner)) is not null)
                throw new CommandException("--supernet and --winner belong to a search report (--search)");
            var reportFolder = r.GetValue(output)?.FullName ?? Path.Combine((searchFolder ?? runFolder)!.FullName, "report");
            var report = searchFolder is not null
                ? SearchReport.Write(new SearchReportInputs(searchFolder.FullName, r.GetValue(supernet)?.FullName, r.GetValue(winner)?.FullName,
                    r.GetValue(spaces)?.FullName), reportFolder)
                : SearchReport.WriteRun(runFolder!.FullName, reportFolder);
            stdout.WriteLine(report);
            return 0;
        }));
        return command;
    }
}
