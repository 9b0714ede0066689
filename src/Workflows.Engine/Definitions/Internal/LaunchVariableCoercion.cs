using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Definitions.Internal;

/// <summary>Coerces one value to a declared launch variable type; shared by the binder and the parser (defaults).</summary>
internal static class LaunchVariableCoercion
{
    /// <summary>
    /// The value converted to <paramref name="type"/> (a new node, never <paramref name="value"/> itself), or null with
    /// <paramref name="expected"/> set to a phrase like "an integer" when it cannot be converted.
    /// </summary>
    public static bool TryCoerce(string type, JsonNode value, out JsonNode? result, out string expected)
    {
        expected = Expected(type);
        result = type switch
        {
            "string" => ToText(value),
            "number" => ToNumber(value),
            "integer" => ToInteger(value),
            "boolean" => ToBoolean(value),
            "object" => ToObject(value),
            "array" => ToArray(value),
            "image" or "audio" or "video" or "document" or "file" => ToFileReference(value),
            _ => value.DeepClone(),
        };
        return result is not null;
    }

    /// <summary>A short rendering of a value for messages: its JSON text, cut after 100 characters.</summary>
    public static string Describe(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "…");
    }

    private static string Expected(string type)
    {
        var article = type[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
        return type switch
        {
            "image" or "audio" or "video" or "document" or "file" => $"{article} {type} (a string or a list of strings)",
            _ => $"{article} {type}",
        };
    }

    private static JsonNode? ToText(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.DeepClone(),
        JsonValueKind.Number => JsonValue.Create(value.ToJsonString()),
        JsonValueKind.True => JsonValue.Create("true"),
        JsonValueKind.False => JsonValue.Create("false"),
        _ => null,
    };

    private static JsonValue? ToNumber(JsonNode value)
    {
        var text = NumberText(value);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var dec))
        {
            return JsonValue.Create(dec);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)
            ? JsonValue.Create(real)
            : null;
    }

    private static JsonValue? ToInteger(JsonNode value)
    {
        var text = NumberText(value);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        // 3.0 (or "3.0", or 3e0) is an integer; 3.5 is not.
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var dec)
               && dec == decimal.Truncate(dec) && dec is >= long.MinValue and <= long.MaxValue
            ? JsonValue.Create((long)dec)
            : null;
    }

    private static string? NumberText(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.String => value.GetValue<string>().Trim(),
        _ => null,
    };

    private static JsonValue? ToBoolean(JsonNode value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            case JsonValueKind.Number:
                return value.ToJsonString() switch
                {
                    "1" => JsonValue.Create(true),
                    "0" => JsonValue.Create(false),
                    _ => null,
                };
            case JsonValueKind.String:
                var text = value.GetValue<string>().Trim();
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1")
                {
                    return JsonValue.Create(true);
                }

                return text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0" ? JsonValue.Create(false) : null;
            default:
                return null;
        }
    }

    private static JsonNode? ToObject(JsonNode value) => value switch
    {
        JsonObject obj => obj.DeepClone(),
        _ when value.GetValueKind() == JsonValueKind.String => ParseJson(value.GetValue<string>()) as JsonObject,
        _ => null,
    };

    private static JsonNode? ToArray(JsonNode value)
    {
        if (value is JsonArray array)
        {
            return array.DeepClone();
        }

        // A string holding a JSON array is that array; any other single value (text included) becomes a one-item list.
        if (value.GetValueKind() == JsonValueKind.String
            && value.GetValue<string>().TrimStart().StartsWith('[')
            && ParseJson(value.GetValue<string>()) is JsonArray parsed)
        {
            return parsed;
        }

        return new JsonArray(value.DeepClone());
    }

    private static JsonNode? ToFileReference(JsonNode value)
    {
        if (IsFileReference(value))
        {
            return value.DeepClone();
        }

        return value is JsonArray array && array.All(IsFileReference)
            ? array.DeepClone()
            : null;
    }

    /// <summary>A URL, data: URL or base64 string, or a file object (<c>{"fid": …}</c>) passed on from another job.</summary>
    private static bool IsFileReference(JsonNode? value) =>
        value?.GetValueKind() == JsonValueKind.String
        || (value is JsonObject file && file["fid"]?.GetValueKind() == JsonValueKind.String);

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
