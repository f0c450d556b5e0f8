using System.Text.Json;
using System.Text.RegularExpressions;
using NasRec.Dsl.Interop;

namespace NasRec.Cli;

/// <summary>Reads the reference's subnet configuration JSON (spec §4) into a <see cref="ReferenceConfig"/>.</summary>
internal static partial class ReferenceConfigJson
{
    // snake_case keys map onto the record's PascalCase names; a missing or null gene is an error, not a silent default.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <exception cref="JsonException">The text is not JSON or not a reference configuration; the message names no .NET type.</exception>
    public static ReferenceConfig Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ReferenceConfig>(json, Options) ?? throw new JsonException("The file holds null, not a configuration");
        }
        catch (JsonException e)
        {
            var message = MissingProperties().Replace(WrongType().Replace(e.Message, "The value has the wrong type."), "It lacks the properties ");
            throw new JsonException(message, e.Path, e.LineNumber, e.BytePositionInLine, e);
        }
    }

    [GeneratedRegex(@"The JSON value could not be converted to [^ ]+\.", RegexOptions.CultureInvariant)]
    private static partial Regex WrongType();

    [GeneratedRegex(@"JSON deserialization for type '[^']+' was missing required properties including: ", RegexOptions.CultureInvariant)]
    private static partial Regex MissingProperties();
}
