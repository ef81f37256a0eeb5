using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Corridor.Client;

/// <summary>The one JSON dialect of the API: snake_case, strict (unknown or duplicate fields, nulls and missing required fields are errors).</summary>
public static class CorridorJson
{
    /// <summary>Read-only options of the dialect (source-generated metadata for the contracts); use them to read or write contract JSON yourself.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General);
        Apply(o);
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>
    /// Sets the dialect on options someone else owns (the server's HTTP JSON options, which the OpenAPI generator reads),
    /// so what the server binds, answers and documents is one contract.
    /// </summary>
    /// <param name="o">Options that are not yet read-only.</param>
    public static void Apply(JsonSerializerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.PropertyNameCaseInsensitive = false;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        o.AllowDuplicateProperties = false;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.MaxDepth = 16;
        // Array items are not covered by RespectNullableAnnotations: a null inside a string array is refused here.
        if (!o.Converters.Any(c => c is StringArrayJsonConverter)) o.Converters.Add(new StringArrayJsonConverter());
        o.TypeInfoResolver = JsonTypeInfoResolver.Combine(CorridorJsonContext.Default, new DefaultJsonTypeInfoResolver());
    }
}
