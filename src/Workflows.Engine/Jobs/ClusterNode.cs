using Microsoft.Extensions.Options;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Who this process is among the nodes sharing the store, and how many of them are alive: per-organisation limits are
/// split evenly among the live nodes, so together they hold the configured limit without asking the database per request.
/// </summary>
public sealed class ClusterNode(IOptions<NodeOptions> options)
{
    private int _liveNodes = 1;

    /// <summary>This node's id, written into the leases it holds.</summary>
    public string Id { get; } = string.IsNullOrWhiteSpace(options.Value.Id)
        ? $"{Environment.MachineName}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}"
        : options.Value.Id;

    /// <summary>The lease a claim or renewal takes.</summary>
    public TimeSpan LeaseDuration => options.Value.LeaseDuration;

    /// <summary>Nodes alive at the last heartbeat, this one included.</summary>
    public int LiveNodes
    {
        get => Volatile.Read(ref _liveNodes);
        internal set => Volatile.Write(ref _liveNodes, Math.Max(1, value));
    }

    /// <summary>This node's share of a cluster-wide limit: limit ÷ live nodes, rounded down but at least 1; 0 (no limit) stays 0.</summary>
    public int Share(int limit) => limit <= 0 ? limit : Math.Max(1, limit / LiveNodes);
}
