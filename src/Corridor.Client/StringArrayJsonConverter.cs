using System.Text.Json;
using System.Text.Json.Serialization;

namespace Corridor.Client;

/// <summary>
/// Strict reader of the contract's string arrays (<c>flags</c>, <c>blocked_countries</c>, …): every item a string, never
/// null. System.Text.Json's <see cref="JsonSerializerOptions.RespectNullableAnnotations"/> does not reach array items, so
/// without this a <c>["history", null]</c> would arrive as a null item and fail deep inside the server instead of at the rim.
/// </summary>
public sealed class StringArrayJsonConverter : JsonConverter<string[]>
{
    /// <summary>End of the message of a refused item; the server's problem mapping puts the item's path before it.</summary>
    public const string NullItem = ": must not be null; expected a string";

    /// <summary>End of the message of an item that is not a string.</summary>
    public const string NotString = ": could not be converted; expected a string";

    private static readonly string[] Empty = [];

    /// <summary>Reads a JSON array of strings; a null or non-string item is a <see cref="JsonException"/> naming its index.</summary>
    /// <param name="reader">Positioned on the array's start.</param>
    /// <param name="typeToConvert">Always <c>string[]</c>.</param>
    /// <param name="options">The serializer options (unused).</param>
    /// <returns>The items (a shared empty array when there are none).</returns>
    public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The default message ("could not be converted to …") and the path are filled in by the serializer.
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException();
        List<string>? items = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = items?.Count ?? 0;
            if (reader.TokenType == JsonTokenType.Null) throw new JsonException($"[{index}]{NullItem}");
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"[{index}]{NotString}");
            (items ??= []).Add(reader.GetString()!);
        }
        return items is null ? Empty : items.ToArray();
    }

    /// <summary>Writes the items as a JSON array of strings.</summary>
    /// <param name="writer">The target.</param>
    /// <param name="value">The items.</param>
    /// <param name="options">The serializer options (unused).</param>
    public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (string item in value) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }

    /// <summary>True when <paramref name="message"/> is one of this converter's item refusals (it starts with the item's index).</summary>
    /// <param name="message">A <see cref="JsonException"/> message.</param>
    /// <returns>True for a message this converter wrote.</returns>
    public static bool IsItemMessage(string message) =>
        message.StartsWith('[') && (message.EndsWith(NullItem, StringComparison.Ordinal) || message.EndsWith(NotString, StringComparison.Ordinal));
}
