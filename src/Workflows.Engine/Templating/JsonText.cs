using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Templating;

/// <summary>Compact JSON text as people read it: no escaping of non-ASCII letters or HTML characters.</summary>
public static class JsonText
{
    /// <summary>Serializer options for such text.</summary>
    // Rendered text goes to prompts and posts, never into HTML, so readable output beats defensive escaping.
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>Compact JSON of a value (<c>null</c> for null).</summary>
    public static string Write(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    /// <summary>Text of a value as a template prints it: strings as-is, null as empty, the rest as compact JSON.</summary>
    public static string Print(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => GetString(value),
        _ => Write(node),
    };

    /// <summary>The text of a JSON string value.</summary>
    public static string GetString(JsonValue value) =>
        value.TryGetValue(out string? text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? "";
}
