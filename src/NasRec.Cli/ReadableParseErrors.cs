using System.Text;
using System.Text.RegularExpressions;

namespace NasRec.Cli;

/// <summary>
/// The error writer of a command line that did not parse: System.CommandLine names the type a value failed to convert
/// to as .NET spells it (<c>'System.Nullable`1[System.Double]'</c>); this says "a number", "an integer" or, for a
/// choice such as an enumeration, "one of its values" instead.
/// </summary>
internal sealed partial class ReadableParseErrors(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(Readable(value));

    public override void WriteLine(string? value) => inner.WriteLine(Readable(value));

    public override void Flush() => inner.Flush();

    internal static string? Readable(string? message) => message is null ? null : ExpectedType().Replace(message, match => match.Groups["type"].Value switch
    {
        "System.Int32" or "System.Int64" => "as an integer",
        "System.Double" or "System.Single" => "as a number",
        _ => "as one of its values",
    });

    [GeneratedRegex(@"as expected type '(?:System\.Nullable`1\[)?(?<type>[\w.]+)\]?'", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectedType();
}
