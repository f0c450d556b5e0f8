using System.CommandLine;
using NasRec.Dsl.Diagnostics;
using NasRec.Runtime.Data;

namespace NasRec.Cli;

/// <summary>
/// Wraps a command's body: it writes to the invocation's output and error; an expected failure exits 1
/// with its message, and anything else is an internal error: one line, never a stack trace.
/// </summary>
internal static class CommandAction
{
    /// <summary>A user's mistake: a bad file, an unknown name, a diagnostic of the DSL.</summary>
    public const int UserErrorExitCode = 1;

    /// <summary>A bug of nasrec itself (EX_SOFTWARE of sysexits.h), distinct from every user error.</summary>
    public const int InternalErrorExitCode = 70;

    /// <summary>The exit codes, as <c>--help</c> lists them.</summary>
    public static readonly string ExitCodes =
        $"Exit codes: 0 success; {UserErrorExitCode} an error in the input or the files (diagnostics or 'error: ...'); " +
        $"{InternalErrorExitCode} an internal error ({DiagnosticCatalog.InternalError.Id}), a bug to report.";

    public static Func<ParseResult, int> Of(Func<ParseResult, TextWriter, TextWriter, int> body) => parseResult =>
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return body(parseResult, output, error);
        }
        catch (Exception e) when (e is CommandException or DataException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + OneLine(e.Message));
            return UserErrorExitCode;
        }
        catch (Exception e)
        {
            return InternalError(error, e);
        }
    };

    /// <summary>Prints an unexpected exception as one line with NASREC900 and a hint to report it.</summary>
    public static int InternalError(TextWriter error, Exception e)
    {
        error.WriteLine($"error {DiagnosticCatalog.InternalError.Id}: internal error ({e.GetType().Name}: {OneLine(e.Message)}); " +
            "this is a bug in nasrec: please report it with the command and the files that caused it");
        return InternalErrorExitCode;
    }

    private static string OneLine(string text) =>
        string.Join(" ", text.Split(['\r', '\n', '\u0085', '\u2028', '\u2029'], StringSplitOptions.RemoveEmptyEntries));
}
