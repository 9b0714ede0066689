using System.Text.Json.Nodes;

namespace Workflows.Engine.Storage;

/// <summary>
/// A signal sent to a job (<c>SignalJob</c>): stored before the sender is answered, kept until a <c>wait_for_signal</c>
/// of that name takes it (also when it came before the job waited for it).
/// </summary>
public sealed record JobSignal
{
    /// <summary>The store's number for it (0 before it is stored).</summary>
    public long Id { get; init; }

    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The signal name.</summary>
    public required string Name { get; init; }

    /// <summary>The payload (a JSON object).</summary>
    public required JsonObject Payload { get; init; }

    /// <summary>The sender's idempotency key, unique per job, or null.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When it was received.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether a wait took it.</summary>
    public bool Consumed { get; init; }
}

/// <summary>What storing a signal did.</summary>
/// <param name="Job">The job as stored after the signal (null when it does not exist).</param>
/// <param name="Signal">The stored signal (the earlier one for a repeated idempotency key), or null when the job had finished.</param>
/// <param name="Duplicate">The idempotency key was used before: nothing new was stored.</param>
public sealed record SignalAdded(Jobs.JobRecord? Job, JobSignal? Signal, bool Duplicate);

/// <summary>A cancel request for a job leased to a node.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Reason">Why.</param>
public sealed record CancelRequest(Guid JobId, string Reason);
