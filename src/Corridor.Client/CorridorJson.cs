using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Corridor.Client;

/// <summary>The one JSON dialect of the API: snake_case, strict (unknown or duplicate fields, nulls and missing required fields are errors).</summary>
public static class CorridorJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            MaxDepth = 16,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(CorridorJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
