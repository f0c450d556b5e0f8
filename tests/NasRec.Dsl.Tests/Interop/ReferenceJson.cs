using System.Text.Json;
using NasRec.Dsl.Interop;

namespace NasRec.Dsl.Tests.Interop;

/// <summary>The six released reference configurations (tests/NasRec.Dsl.Tests/Reference) and the shipped architectures they became.</summary>
internal static class ReferenceJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>JSON file, search space, shipped architecture.</summary>
    public static TheoryData<string, string, string> Released => new()
    {
        { "criteo_autoctr_best_1shot.json", "NasRecSmall", "CriteoNasRecNetSmall" },
        { "criteo_xlarge_best_1shot.json", "NasRecFull", "CriteoNasRecNetFull" },
        { "avazu_autoctr_best_1shot.json", "NasRecSmall", "AvazuNasRecNetSmall" },
        { "avazu_xlarge_best_1shot.json", "NasRecFull", "AvazuNasRecNetFull" },
        { "kdd_autoctr_best_1shot.json", "NasRecSmall", "KddNasRecNetSmall" },
        { "kdd_xlarge_best_1shot.json", "NasRecFull", "KddNasRecNetFull" },
    };

    public static ReferenceConfig Read(string file) =>
        JsonSerializer.Deserialize<ReferenceConfig>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", file)), Options)!;
}
