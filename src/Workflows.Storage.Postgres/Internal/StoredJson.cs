using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// JSON as stored: compact text in <c>text</c> columns, non-ASCII kept as is, numbers kept as written. Not <c>jsonb</c>:
/// it rejects <c>\u0000</c>, reorders keys and rewrites numbers (1e400), and the store never queries inside the JSON.
/// The same format as the SQLite store's.
/// </summary>
internal static class StoredJson
{
    // Deeper than the 64 default so anything a script can build survives a round trip; writer and parser agree.
    private const int MaxDepth = 256;

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

    public static JsonNode? Parse(string? text) => text is null ? null : JsonNode.Parse(text, documentOptions: ParseOptions);

    public static JsonObject ParseObject(string text) =>
        Parse(text) as JsonObject ?? throw new InvalidDataException("A stored JSON object is not an object.");

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
