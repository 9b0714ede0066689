namespace Workflows.Server.Delivery;

/// <summary>Callback delivery settings (<c>Workflows:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>How often the outbox is polled for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timeout of one delivery attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to keep retrying a delivery before giving up.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The first retry delay; each later one doubles, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}
