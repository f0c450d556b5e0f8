using System.CommandLine;
using NasRec.Runtime.Data;

namespace NasRec.Cli;

/// <summary>Wraps a command's body: it writes to the invocation's output and error, and an expected failure exits 1 with its message.</summary>
internal static class CommandAction
{
    public static Func<ParseResult, int> Of(Func<ParseResult, TextWriter, TextWriter, int> body) => parseResult =>
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return body(parseResult, output, error);
        }
        catch (Exception e) when (e is CommandException or DataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
    };
}
