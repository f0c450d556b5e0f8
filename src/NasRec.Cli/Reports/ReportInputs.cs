using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Training;

namespace NasRec.Cli.Reports;

/// <summary>The folders a report reads, checked before anything is written.</summary>
internal static class ReportInputs
{
    /// <summary>An existing run folder, for its file names (nothing is written to it).</summary>
    public static RunFolder Run(string folder) =>
        Directory.Exists(folder) ? new RunFolder(folder) : throw new CommandException($"{folder}: no such run folder");

    /// <summary>The model a run trained: its architecture, space and dataset documents from its last checkpoint.</summary>
    public static ModelSource ModelOf(string runFolder)
    {
        var checkpoint = Run(runFolder).LastCheckpoint;
        if (!File.Exists(checkpoint)) throw new CommandException($"{runFolder} has no {Path.GetFileName(checkpoint)} to read its model from");
        return Checkpoint.ReadHeader(checkpoint).Model;
    }

    /// <summary>The text of a folder's <c>settings.json</c>, or null when it has none.</summary>
    public static string? Settings(string folder)
    {
        var path = Path.Combine(folder, "settings.json");
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd() : null;
    }
}
