using System.Text;
using System.Text.RegularExpressions;

namespace NasRec.Cli;

/// <summary>
/// The error writer of a command line that did not parse: System.CommandLine names the type a value failed to convert
/// to as .NET spells it (<c>'System.Nullable`1[System.Double]'</c>); this says "a number" or "an integer" instead.
/// </summary>
internal sealed partial class ReadableParseErrors(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(Readable(value));

    public override void WriteLine(string? value) => inner.WriteLine(Readable(value));

    public override void Flush() => inner.Flush();

    internal static string? Readable(string? message) => message is null ? null : ExpectedType().Replace(message, match =>
        match.Groups["type"].Value is "Int32" or "Int64" ? "as an integer" : "as a number");

    [GeneratedRegex(@"as expected type '(?:System\.Nullable`1\[)?System\.(?<type>Int32|Int64|Double|Single)\]?'", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectedType();
}
