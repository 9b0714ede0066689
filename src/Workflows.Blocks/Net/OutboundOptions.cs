namespace Workflows.Blocks.Net;

/// <summary>
/// Limits on requests the engine makes to other hosts (<c>http_request</c> blocks, callbacks), bound from
/// <c>Workflows:Outbound</c>.
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Workflows:Outbound";

    /// <summary>
    /// Hosts and addresses that may be reached although they are loopback, private, link-local …: host names
    /// (<c>localhost</c>, <c>api.internal</c>, <c>*.corp.example</c>), IP addresses (<c>::1</c>) or CIDR ranges
    /// (<c>10.1.0.0/16</c>). Empty by default: only public addresses are reachable.
    /// </summary>
    public IList<string> Allow { get; set; } = [];

    /// <summary>The largest response body a block may read, and the default of its <c>maxResponseBytes</c> (10 MiB).</summary>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The time a request may take, retries included, when the block gives no <c>timeout</c> (30 s).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first delay between retries; later ones grow exponentially, with jitter (1 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
