using System.Text.Json;
using Grpc.Core;

namespace Workflows.Server.Auth;

/// <summary>
/// Writes an error outside the gRPC pipeline (authentication happens before it): a real gRPC status for gRPC
/// callers, and the same JSON body transcoding writes (<c>code</c> + <c>message</c>) for REST callers.
/// </summary>
internal static class ErrorResponses
{
    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static async Task WriteAsync(HttpContext context, StatusCode code, int httpStatus, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        if (IsGrpc(context))
        {
            // A trailers-only response: HTTP 200 whose headers carry the gRPC status.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            await context.Response.CompleteAsync();
            return;
        }

        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody((int)code, message), ErrorJson.Relaxed));
    }
}

/// <summary>The REST error body: the gRPC status code and a message, as transcoding writes it.</summary>
internal sealed record ErrorBody(int Code, string Message);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorJson : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>Error bodies are JSON API responses, never HTML: quotes and angle brackets need no escaping.</summary>
    public static JsonSerializerOptions Relaxed { get; } = new()
    {
        TypeInfoResolver = Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
