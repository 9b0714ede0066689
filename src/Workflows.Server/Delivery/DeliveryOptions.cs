namespace Workflows.Server.Delivery;

/// <summary>Callback delivery settings (<c>Workflows:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Delivery";

    /// <summary>How often the outbox is polled for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timeout of one delivery attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a delivery a node has claimed stays hidden from the other nodes while it is attempted; longer than
    /// <see cref="AttemptTimeout"/>, so an attempt never runs twice at once. If the node dies mid-attempt, the
    /// delivery waits this long before another node makes it.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to keep retrying a delivery before giving up.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The first retry delay; each later one doubles, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most events one progress POST carries; more wait for the next POST.</summary>
    public int ProgressBatchSize { get; set; } = 500;

    /// <summary>Attempts per progress POST before it is dropped (progress is best effort).</summary>
    public int ProgressAttempts { get; set; } = 3;

    /// <summary>The wait before the second attempt of a progress POST; it doubles for each later one.</summary>
    public TimeSpan ProgressRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
