namespace NasRec.Cli;

/// <summary>A failure the user can fix (a bad file, an unknown name): printed as one line, exit code 1.</summary>
internal sealed class CommandException(string message) : Exception(message);
