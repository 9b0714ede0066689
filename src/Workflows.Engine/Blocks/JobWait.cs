using System.Globalization;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Blocks;

/// <summary>
/// What a block waits for when it suspends its job (<see cref="BlockWaitException"/>): a time, a signal, or both (a
/// signal with a timeout). Shown in the <c>job_waiting</c> event.
/// </summary>
public sealed record JobWait
{
    /// <summary>The <c>delay</c> reason.</summary>
    public const string DelayReason = "delay";

    /// <summary>The <c>signal</c> reason.</summary>
    public const string SignalReason = "signal";

    /// <summary><see cref="DelayReason"/> or <see cref="SignalReason"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>When a delay ends, or null.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>The signal name waited for, or null.</summary>
    public string? Signal { get; init; }

    /// <summary>Text for the person deciding (rendered), or null.</summary>
    public string? Message { get; init; }

    /// <summary>The payload's fields, as written in the block (same form as <c>launchVariables</c>), or null.</summary>
    public JsonNode? Schema { get; init; }

    /// <summary>When a signal wait times out, or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the job is due at the latest: the delay's end or the timeout.</summary>
    public DateTimeOffset? DueAt => WakeAt is { } wake && ExpiresAt is { } expires
        ? (wake < expires ? wake : expires)
        : WakeAt ?? ExpiresAt;

    /// <summary>The <c>job_waiting</c> event's data.</summary>
    public JsonObject ToData(string blockId)
    {
        var data = new JsonObject { ["blockId"] = blockId, ["reason"] = Reason };
        if (Signal is not null)
        {
            data["signal"] = Signal;
        }

        if (Message is not null)
        {
            data["message"] = Message;
        }

        if (Schema is not null)
        {
            data["schema"] = Schema.DeepClone();
        }

        if (WakeAt is { } wakeAt)
        {
            data["wakeAt"] = wakeAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        if (ExpiresAt is { } expiresAt)
        {
            data["expiresAt"] = expiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return data;
    }
}

/// <summary>
/// Thrown by a block to suspend its job until <see cref="Wait"/> is over (only where
/// <see cref="BlockContext.CanSuspend"/>). The job commits its progress, becomes <c>waiting</c> and leaves memory; when it
/// is due it runs again from its last commit, and the block runs again (resumed, with its original
/// <see cref="BlockContext.StartedAt"/>) to find its wait over.
/// </summary>
public sealed class BlockWaitException : Exception
{
    /// <summary>Suspends the job for <paramref name="wait"/>.</summary>
    public BlockWaitException(JobWait wait)
        : base($"waiting for {wait?.Reason}")
    {
        ArgumentNullException.ThrowIfNull(wait);
        Wait = wait;
    }

    /// <summary>Creates the exception (for serialisers; prefer the constructor taking a wait).</summary>
    public BlockWaitException()
        : this(new JobWait { Reason = JobWait.DelayReason })
    {
    }

    /// <summary>Creates the exception (for serialisers; prefer the constructor taking a wait).</summary>
    public BlockWaitException(string message)
        : base(message)
    {
        Wait = new JobWait { Reason = JobWait.DelayReason };
    }

    /// <summary>Creates the exception (for serialisers; prefer the constructor taking a wait).</summary>
    public BlockWaitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Wait = new JobWait { Reason = JobWait.DelayReason };
    }

    /// <summary>What the job waits for.</summary>
    public JobWait Wait { get; }
}
