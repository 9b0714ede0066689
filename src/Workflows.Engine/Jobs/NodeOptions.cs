namespace Workflows.Engine.Jobs;

/// <summary>
/// This process as one node of several sharing a store (config section <c>Workflows:Node</c>). A node runs the jobs
/// whose lease it holds and renews the leases every <see cref="HeartbeatInterval"/>; when it stops renewing (it died),
/// another node takes its jobs over once <see cref="LeaseDuration"/> has passed.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Node";

    /// <summary>The node's name in leases and logs; empty means the machine name plus a random suffix, new on every start.</summary>
    public string? Id { get; set; }

    /// <summary>How long a job stays with a node that stopped renewing its lease.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are renewed, the node says it is alive, and abandoned jobs are looked for.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}
