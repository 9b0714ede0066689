namespace Workflows.Engine.Jobs.Internal;

/// <summary>The errors an idempotency key can cause, worded once.</summary>
internal static class IdempotencyErrors
{
    public static EngineException DifferentRequest(string key) => new(
        EngineErrorKind.Unprocessable,
        $"idempotency key '{key}' was already used for a different request (another app, workflow, variables, callback " +
        "or progress URL, or API); send the same request again or use a new key");
}
