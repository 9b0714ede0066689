using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Api.Agents;

/// <summary>
/// The apps dialect's error body, <c>{"code": "&lt;string&gt;", "message"}</c>, on every <c>/developer/v2</c> path:
/// the vendor's clients show both, and its newer SDK passes <c>code</c> on as its error's code. The codes follow the
/// HTTP status.
/// </summary>
internal static class DeveloperErrors
{
    public static readonly PathString Prefix = "/developer/v2";

    /// <summary>The string code of an HTTP error status.</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status422UnprocessableEntity => "unprocessable",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        // A run that failed answers 500 with the run's error; other faults say "internal error" only.
        _ => "workflow_error",
    };

    /// <summary>The HTTP status of an engine error, as the transcoded paths answer it.</summary>
    public static int StatusOf(EngineErrorKind kind) => kind switch
    {
        EngineErrorKind.InvalidArgument => StatusCodes.Status400BadRequest,
        EngineErrorKind.NotFound => StatusCodes.Status404NotFound,
        EngineErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        EngineErrorKind.AlreadyExists or EngineErrorKind.FailedPrecondition or EngineErrorKind.Aborted => StatusCodes.Status409Conflict,
        EngineErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        EngineErrorKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>An error answer in the dialect's shape.</summary>
    public static IResult Result(int status, string message) =>
        AgentJson.Result(new JsonObject { ["code"] = CodeOf(status), ["message"] = message }, status);

    /// <summary>An engine error in the dialect's shape (with <c>Retry-After</c> when the engine says when to retry).</summary>
    public static IResult Result(HttpContext http, EngineException exception)
    {
        if (exception.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = EngineErrorInterceptor.RetryAfterSeconds(retryAfter);
        }

        return Result(StatusOf(exception.Kind), exception.Message);
    }

    /// <summary>Rewrites an error body with a numeric (gRPC) code into the string code of its HTTP status.</summary>
    public static byte[]? Rewrite(int status, ReadOnlySpan<byte> body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject error || error["message"] is not JsonValue message
                || !message.TryGetValue<string>(out var text) || error["code"] is JsonValue code && code.TryGetValue<string>(out _))
            {
                return null;
            }

            return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["code"] = CodeOf(status), ["message"] = text }, AgentJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
