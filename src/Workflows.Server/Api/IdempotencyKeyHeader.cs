using Grpc.Core;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Api;

/// <summary>
/// The caller's idempotency key: the request's own field when it has one (native Run), else the
/// <c>Idempotency-Key</c> header (REST; gRPC callers may send it as metadata). What a key means is the engine's
/// business (<see cref="JobService.RunAsync"/>); this only reads it.
/// </summary>
internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    private const int MaxLength = 255;

    public static string? From(ServerCallContext context, string? fromBody = null)
    {
        var key = string.IsNullOrEmpty(fromBody) ? context.GetHttpContext().Request.Headers[Name].ToString() : fromBody;
        if (key.Length > MaxLength)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"the idempotency key is longer than {MaxLength} characters");
        }

        return key.Length == 0 ? null : key;
    }
}
