using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// The node's heartbeat, every <see cref="NodeOptions.HeartbeatInterval"/>: says the node is alive (and learns how many
/// are), renews the leases of the jobs running here — stopping, without writing, any job whose lease is gone — and takes
/// over jobs whose node stopped renewing. All coordination is in the store's rows; there is no coordinator node.
/// </summary>
public sealed partial class JobLeaseKeeper(
    IJobStore store,
    JobRunner runner,
    JobService jobs,
    ClusterNode node,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<JobLeaseKeeper> logger) : BackgroundService
{
    /// <summary>
    /// One heartbeat: renew, then claim; returns how many jobs were taken over. The host runs one at start, which
    /// resumes the jobs a previous run of this node left (their leases were let go, or have run out).
    /// </summary>
    public async Task<int> BeatAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.HeartbeatInterval;
        node.LiveNodes = await store.HeartbeatNodeAsync(node.Id, time.GetUtcNow(), interval * 3, cancellationToken);

        var running = runner.RunningJobIds;
        if (running.Count > 0)
        {
            var renewed = (await store.RenewLeasesAsync(node.Id, running, time.GetUtcNow(), node.LeaseDuration, cancellationToken)).ToHashSet();
            foreach (var id in running.Where(id => !renewed.Contains(id) && runner.IsRunningHere(id)))
            {
                LogLeaseLost(logger, id, node.Id);
                runner.Abandon(id);
            }
        }

        var claimed = await jobs.ClaimAbandonedJobsAsync(cancellationToken);
        if (claimed > 0)
        {
            LogClaimed(logger, node.Id, claimed);
        }

        return claimed;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unreachable for now; leases last several heartbeats, so the next one may still save them.
                LogBeatFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is no longer leased to node {NodeId}; it stops running here")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} took over {Count} jobs that no live node was running")]
    private static partial void LogClaimed(ILogger logger, string nodeId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Heartbeat failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);
}
