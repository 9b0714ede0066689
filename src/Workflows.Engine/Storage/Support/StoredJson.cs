using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Storage.Support;

/// <summary>
/// JSON as every store keeps it: compact text, non-ASCII kept as is, numbers kept as written, so a value reads back
/// exactly as it was written whichever store holds it. For store implementations.
/// </summary>
public static class StoredJson
{
    /// <summary>
    /// How deep stored JSON may nest: deeper than the 64 default so anything a script can build survives a round trip;
    /// writer and parser agree.
    /// </summary>
    public const int MaxDepth = 256;

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        // The text never reaches HTML; escaping non-ASCII would only make it larger.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = MaxDepth,
        WriteIndented = false,
    };

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Compact text; a null node is the JSON text <c>null</c>.</summary>
    public static string Write(JsonNode? node) => node is null ? "null" : node.ToJsonString(WriteOptions);

    /// <summary>Compact text, or null (SQL NULL) when there is no node.</summary>
    public static string? WriteOrNull(JsonNode? node) => node is null ? null : node.ToJsonString(WriteOptions);

    /// <summary>Parses stored JSON text; null text (SQL NULL) is null.</summary>
    public static JsonNode? Parse(string? text) => text is null ? null : JsonNode.Parse(text, documentOptions: ParseOptions);

    /// <summary>Parses stored JSON text that must be an object.</summary>
    public static JsonObject ParseObject(string text) =>
        Parse(text) as JsonObject ?? throw new InvalidDataException("A stored JSON object is not an object.");

    /// <summary>Parses stored JSON object text; null text is null.</summary>
    public static JsonObject? ParseObjectOrNull(string? text) => text is null ? null : ParseObject(text);

    /// <summary>A string map (an app's workflow sources) as a JSON object.</summary>
    public static string WriteMap(IReadOnlyDictionary<string, string> map)
    {
        var node = new JsonObject();
        foreach (var (key, value) in map)
        {
            node[key] = value;
        }
        return node.ToJsonString(WriteOptions);
    }

    /// <summary>The strings of a JSON array written by <see cref="WriteStrings"/>; none for null.</summary>
    public static IReadOnlyList<string> ParseStrings(string? text)
    {
        if (text is null || JsonNode.Parse(text) is not JsonArray array)
        {
            return [];
        }
        var values = new List<string>(array.Count);
        foreach (var item in array)
        {
            values.Add(item!.GetValue<string>());
        }
        return values;
    }

    /// <summary>Strings as a JSON array (a parameter for <c>json_each</c>).</summary>
    public static string WriteStrings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }
        return array.ToJsonString(WriteOptions);
    }

    /// <summary>Reads a map written by <see cref="WriteMap"/>.</summary>
    public static Dictionary<string, string> ParseMap(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ParseObject(text))
        {
            map[key] = value?.GetValue<string>() ?? "";
        }
        return map;
    }
}
