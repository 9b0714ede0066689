using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Server.Mcp;

/// <summary>The JSON types the MCP mapping serializes itself (schemas and results are built as <see cref="JsonNode"/>).</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class McpJson : JsonSerializerContext
{
    /// <summary>Type info for <see cref="JsonNode"/> values.</summary>
    public static JsonSerializerOptions Node { get; } = new() { TypeInfoResolver = Default };

    /// <summary>For text content read by models and people: no escaping beyond what JSON needs.</summary>
    public static JsonSerializerOptions Text { get; } = new()
    {
        TypeInfoResolver = Default,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
