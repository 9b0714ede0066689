namespace Workflows.Engine.Jobs;

/// <summary>
/// Per-organisation limits (config section <c>Workflows:Limits</c>). The engine enforces
/// <see cref="MaxConcurrentJobs"/>; the host enforces the request rate.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Limits";

    /// <summary>API requests per second an organisation may make on average (a token bucket); 0 disables the limit.</summary>
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>Requests an organisation may make at once above the average rate (the bucket's size).</summary>
    public int Burst { get; set; } = 400;

    /// <summary>
    /// Jobs of one organisation that may run at once on this node; a start over it is refused. 0 means unlimited.
    /// Child jobs (<c>run_workflow</c>, <c>foreach</c>) count but are never refused, so a parent cannot deadlock.
    /// </summary>
    public int MaxConcurrentJobs { get; set; } = 100;
}
