namespace Workflows.Engine.Jobs;

/// <summary>What kind of caller error an <see cref="EngineException"/> is; hosts map it to a status code.</summary>
public enum EngineErrorKind
{
    /// <summary>The request is malformed or names a bad value (400).</summary>
    InvalidArgument,
    /// <summary>The thing does not exist for this organisation (404).</summary>
    NotFound,
    /// <summary>The caller may not do this (403).</summary>
    PermissionDenied,
    /// <summary>The thing exists already (409).</summary>
    AlreadyExists,
    /// <summary>The request conflicts with the current state (409 / 422).</summary>
    FailedPrecondition,
    /// <summary>
    /// The request is well-formed but contradicts an earlier one, such as an idempotency key reused for a different
    /// request (gRPC FAILED_PRECONDITION; 422 over REST).
    /// </summary>
    Unprocessable,
    /// <summary>A concurrent request is still being answered; retry once it is (gRPC ABORTED, 409).</summary>
    Aborted,
    /// <summary>A per-organisation limit is reached; retry after <see cref="EngineException.RetryAfter"/> (gRPC RESOURCE_EXHAUSTED, 429).</summary>
    ResourceExhausted,
    /// <summary>The service cannot answer now (its database is unreachable); retry shortly (gRPC UNAVAILABLE, 503).</summary>
    Unavailable,
}

/// <summary>A caller error with a message safe to show; never a fault of the service.</summary>
public sealed class EngineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineException(EngineErrorKind kind, string message) : base(message) => Kind = kind;

    /// <summary>Creates the exception.</summary>
    public EngineException() : this(EngineErrorKind.InvalidArgument, "invalid request") { }

    /// <summary>Creates the exception.</summary>
    public EngineException(string message) : this(EngineErrorKind.InvalidArgument, message) { }

    /// <summary>Creates the exception.</summary>
    public EngineException(string message, Exception inner) : base(message, inner) => Kind = EngineErrorKind.InvalidArgument;

    /// <summary>The kind of error.</summary>
    public EngineErrorKind Kind { get; }

    /// <summary>How long the caller should wait before retrying, when that is known (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A 404 for a job id, worded the same whether it is unknown or another organisation's.</summary>
    public static EngineException JobNotFound(Guid jobId) => new(EngineErrorKind.NotFound, $"job '{jobId}' not found");
}
