using System.Diagnostics;

namespace NasRec.EndToEnd.Tests;

/// <summary>Runs the built <c>nasrec</c> command in a child process, as a user's shell would.</summary>
internal static class NasrecCli
{
    /// <summary>The command's assembly, built before the tests run (the test project references its project).</summary>
    private static readonly string Assembly = Path.Combine(DotnetCli.RepoRoot, "src", "NasRec.Cli", "bin", DotnetCli.Configuration, "net10.0", "nasrec.dll");

    public static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        using var process = Start(arguments);
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>Starts the command; the caller drains or ignores its redirected output and disposes the process.</summary>
    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }
}
