namespace Workflows.Engine.Storage;

/// <summary>The state of an <see cref="OutboxMessage"/>.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt (or being attempted).</summary>
    Pending,

    /// <summary>The receiver took it (answered 2xx).</summary>
    Delivered,

    /// <summary>Given up: the receiver refused it for good, or the retry period ran out.</summary>
    Failed,
}
