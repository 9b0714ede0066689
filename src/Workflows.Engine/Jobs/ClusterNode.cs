using Microsoft.Extensions.Options;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Who this process is among the nodes sharing the store, and how many of them are alive. Per-organisation limits are not
/// split among them: a store several nodes share holds them itself (<see cref="Storage.ISharedLimitStore"/>).
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
}
