using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// What makes two start requests "the same" for an idempotency key: SHA-256 (lowercase hex) of a canonical JSON form of
/// the resolved app id and workflow name, the launch variables as given (object keys sorted, numbers in their shortest
/// form), the callback and progress URLs, and the API (dialect) that asked.
/// </summary>
internal static class RequestFingerprint
{
    private const int MaxDepth = 128;

    public static string Compute(string appId, string workflow, StartJobRequest request)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("app", appId);
            writer.WriteString("workflow", workflow);
            writer.WritePropertyName("variables");
            WriteCanonical(writer, request.Variables ?? [], 0);
            writer.WriteString("callbackUrl", string.IsNullOrEmpty(request.CallbackUrl) ? null : request.CallbackUrl);
            writer.WriteString("progressUrl", string.IsNullOrEmpty(request.ProgressUrl) ? null : request.ProgressUrl);
            writer.WriteString("dialect", request.Dialect);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"variables nest deeper than {MaxDepth} levels");
        }

        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number):
                // 1, 1.0 and 1e0 are one number; every API hands numbers over as doubles anyway (protobuf Struct).
                writer.WriteNumberValue(number);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
