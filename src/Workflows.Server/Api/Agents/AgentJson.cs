using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Server.Api.Agents;

/// <summary>The type info the newer SDK paths serialize with.</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;

/// <summary>The newer SDK paths read and answer JSON documents as <see cref="JsonNode"/>s.</summary>
internal static class AgentJson
{
    /// <summary>Relaxed escaping: these are API answers, never HTML.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        TypeInfoResolver = AgentJsonContext.Default,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A JSON answer.</summary>
    public static IResult Result(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Content(body.ToJsonString(Options), "application/json; charset=utf-8", System.Text.Encoding.UTF8, status);

    /// <summary>The request body as a JSON object; null (an empty body) is an empty object.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new Engine.Jobs.EngineException(Engine.Jobs.EngineErrorKind.InvalidArgument, $"the request body is not valid JSON: {ex.Message}");
        }

        return node switch
        {
            null => [],
            JsonObject obj => obj,
            _ => throw new Engine.Jobs.EngineException(Engine.Jobs.EngineErrorKind.InvalidArgument, "the request body must be a JSON object"),
        };
    }

    /// <summary>A string field, or null; a value of another type is a 400 naming the field.</summary>
    public static string? String(JsonObject body, string field) => body[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new Engine.Jobs.EngineException(Engine.Jobs.EngineErrorKind.InvalidArgument, $"field '{field}' must be a string"),
    };

    /// <summary>A boolean field, false when absent; a value of another type is a 400 naming the field.</summary>
    public static bool Flag(JsonObject body, string field) => body[field] switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new Engine.Jobs.EngineException(Engine.Jobs.EngineErrorKind.InvalidArgument, $"field '{field}' must be true or false"),
    };

    /// <summary>An object field, or null; a value of another type is a 400 naming the field.</summary>
    public static JsonObject? Object(JsonObject body, string field) => body[field] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw new Engine.Jobs.EngineException(Engine.Jobs.EngineErrorKind.InvalidArgument, $"field '{field}' must be an object"),
    };
}
