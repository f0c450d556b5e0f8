using System.Text.Json;
using NasRec.Dsl.Interop;

namespace NasRec.Cli;

/// <summary>Reads the reference's subnet configuration JSON (spec §4) into a <see cref="ReferenceConfig"/>.</summary>
internal static class ReferenceConfigJson
{
    // snake_case keys map onto the record's PascalCase names; a missing or null gene is an error, not a silent default.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <exception cref="JsonException">The text is not JSON or not a reference configuration.</exception>
    public static ReferenceConfig Parse(string json) =>
        JsonSerializer.Deserialize<ReferenceConfig>(json, Options) ?? throw new JsonException("The file holds null, not a configuration");
}
