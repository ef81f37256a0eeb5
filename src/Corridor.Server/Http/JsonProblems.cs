using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Corridor.Client;

namespace Corridor.Server.Http;

/// <summary>
/// Turns a System.Text.Json failure into a problem detail a caller can act on: the JSON path of the bad member and what
/// the contract expects there (its JSON type and range, or the members of the object), never a .NET type name.
/// </summary>
public static class JsonProblems
{
    /// <summary>Longest detail written (a path into a hostile body can be long).</summary>
    public const int MaxDetailChars = 400;

    public static string Describe(Type root, string code, JsonException e)
    {
        string path = e.Path ?? "$";
        string detail = code switch
        {
            // A string array's item (StringArrayJsonConverter): the path names the array, the message starts with the item's index.
            "request.invalid_type" when StringArrayJsonConverter.IsItemMessage(e.Message) => path + e.Message,
            "request.unknown_field" => UnknownMember(root, path, Quoted(e.Message)),
            "request.missing_field" => $"{path}: missing required member{(Missing(e.Message) is { Length: > 0 } m ? (m.Contains(',') ? "s " : " ") + m : "")}",
            "request.duplicate_field" => $"{path}: member {(Quoted(e.Message) is { } d ? "'" + d + "' " : "")}appears more than once",
            "request.invalid_type" when e.Message.Contains("null", StringComparison.Ordinal) && !e.Message.Contains("could not be converted", StringComparison.Ordinal) =>
                $"{path}: must not be null; expected {Expected(root, path)}",
            "request.invalid_type" or "request.invalid_date" => $"{path}: expected {Expected(root, path)}",
            // Syntax errors come from the reader (no type names); converter messages are ours.
            _ => Sanitise(StripPosition(e.Message), $"{path}: not valid JSON here; expected {Expected(root, path)}"),
        };
        return detail.Length > MaxDetailChars ? detail[..MaxDetailChars] + "…" : detail;
    }

    /// <summary>A framework message without runtime type names, or <paramref name="fallback"/> when it names one.</summary>
    public static string Sanitise(string message, string fallback) =>
        message.Contains("System.", StringComparison.Ordinal) || message.Contains("Corridor.", StringComparison.Ordinal)
            || message.Contains("Microsoft.", StringComparison.Ordinal) ? fallback : message;

    private static string UnknownMember(Type root, string path, string? name)
    {
        // The path may already end in the unknown member; the object that refused it is its parent.
        string parent = path;
        if (name is not null)
        {
            if (path.EndsWith("." + name, StringComparison.Ordinal)) parent = path[..^(name.Length + 1)];
            else if (path.EndsWith("['" + name + "']", StringComparison.Ordinal)) parent = path[..^(name.Length + 4)];
        }
        string member = name is null ? "a member" : $"member '{Clip(name)}'";
        JsonTypeInfo? info = Resolve(root, parent);
        string known = info is { Kind: JsonTypeInfoKind.Object } ? "; members: " + string.Join(", ", info.Properties.Select(p => p.Name)) : "";
        return $"{parent}: {member} is not part of this request{known}";
    }

    /// <summary>True when the member at <paramref name="path"/> is a date (its refusal is <c>request.invalid_date</c>).</summary>
    public static bool ExpectsDate(Type root, string? path) =>
        path is not null && Resolve(root, path) is { } info && (Nullable.GetUnderlyingType(info.Type) ?? info.Type) == typeof(DateOnly);

    /// <summary>What the contract expects at <paramref name="path"/>, in JSON words.</summary>
    public static string Expected(Type root, string path)
    {
        JsonTypeInfo? info = Resolve(root, path);
        return info is null ? "a value of the documented type" : Expected(info);
    }

    private static string Expected(JsonTypeInfo info)
    {
        Type t = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (t == typeof(FxRateDto)) return "a rate: {\"numerator\": integer, \"denominator\": integer} or a decimal string such as \"129.35\"";
        if (t == typeof(string)) return "a string";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(DateOnly)) return "a date \"YYYY-MM-DD\" (ISO 8601)";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "a date-time (RFC 3339)";
        if (t == typeof(long)) return "an integer from -9223372036854775808 to 9223372036854775807";
        if (t == typeof(ulong)) return "an integer from 0 to 18446744073709551615";
        if (t == typeof(int)) return "an integer from -2147483648 to 2147483647";
        if (t == typeof(uint)) return "an integer from 0 to 4294967295";
        if (t == typeof(ushort)) return "an integer from 0 to 65535";
        if (t == typeof(byte)) return "an integer from 0 to 255";
        if (info.Kind == JsonTypeInfoKind.Enumerable) return "an array";
        if (info.Kind == JsonTypeInfoKind.Object) return "an object with members " + string.Join(", ", info.Properties.Select(p => p.Name));
        return "a value of the documented type";
    }

    /// <summary>The contract's type info at a JSON path such as <c>$.transfers[3].amount</c> (null when the path leaves the contract).</summary>
    private static JsonTypeInfo? Resolve(Type root, string path)
    {
        JsonSerializerOptions options = CorridorJson.Options;
        JsonTypeInfo? info = options.GetTypeInfo(root);
        int i = path.StartsWith('$') ? 1 : 0;
        while (info is not null && i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                info = Member(options, info, path[(i + 1)..end]);
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) return null;
                info = Member(options, info, path[(i + 2)..end]);
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || info.ElementType is null) return null;
                info = options.GetTypeInfo(info.ElementType);
                i = end + 1;
            }
            else return null;
        }
        return info;
    }

    private static JsonTypeInfo? Member(JsonSerializerOptions options, JsonTypeInfo parent, string name)
    {
        JsonTypeInfo owner = parent.Type.IsGenericType && parent.Type.GetGenericTypeDefinition() == typeof(Nullable<>)
            ? options.GetTypeInfo(Nullable.GetUnderlyingType(parent.Type)!) : parent;
        if (owner.Kind != JsonTypeInfoKind.Object) return null;
        foreach (JsonPropertyInfo p in owner.Properties)
            if (p.Name == name) return options.GetTypeInfo(p.PropertyType);
        return null;
    }

    private static string? Quoted(string message)
    {
        int a = message.IndexOf('\'');
        if (a < 0) return null;
        int b = message.IndexOf('\'', a + 1);
        return b < 0 ? null : message[(a + 1)..b];
    }

    /// <summary>"… missing required properties including: 'id', 'payee'." → "'id', 'payee'".</summary>
    private static string Missing(string message)
    {
        int at = message.IndexOf("including:", StringComparison.Ordinal);
        if (at < 0) return "";
        string list = message[(at + "including:".Length)..].Trim().TrimEnd('.');
        return Clip(list);
    }

    private static string StripPosition(string message)
    {
        int at = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (at < 0) at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    private static string Clip(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
