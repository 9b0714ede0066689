namespace Workflows.Engine.Storage;

/// <summary>A delivery waiting in the durable outbox: a callback or progress POST.</summary>
public sealed record OutboxMessage
{
    /// <summary>Store-assigned id; 0 before it is stored.</summary>
    public long Id { get; init; }

    /// <summary>Stable delivery id (sent as <c>webhook-id</c>), the same across retries.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>The job it is about.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The job's organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary><c>callback</c> or <c>progress</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Where to POST.</summary>
    public required string Url { get; init; }

    /// <summary>The JSON body.</summary>
    public required string Payload { get; init; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due.</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The last attempt's outcome (status code or error), for operators.</summary>
    public string? LastError { get; init; }

    /// <summary>Where it stands: waiting for an attempt, delivered, or given up. New messages are pending.</summary>
    public DeliveryStatus Status { get; init; } = DeliveryStatus.Pending;

    /// <summary>When the last attempt was made; null before the first.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }
}
