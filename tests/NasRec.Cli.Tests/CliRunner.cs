namespace NasRec.Cli.Tests;

/// <summary>Runs the nasrec command in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = NasRecCommand.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
