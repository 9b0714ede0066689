using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Runs waiting jobs again when they are due, on whichever node claims them first, and carries out cancel requests of
/// the jobs running here. It polls the store every <see cref="PollInterval"/> and looks earlier when this node knows of a
/// nearer due time or is nudged (<see cref="JobWakeSchedule"/>), so a job wakes well within a second of its time.
/// </summary>
public sealed partial class JobWaker(
    IJobStore store,
    JobRunner runner,
    ClusterNode node,
    JobWakeSchedule schedule,
    TimeProvider time,
    ILogger<JobWaker> logger) : BackgroundService
{
    /// <summary>The longest the store goes unpolled; cancel requests are checked as often.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private const int Batch = 200;

    /// <summary>One pass: carries out cancel requests of jobs running here, then starts every due waiting job; returns how many it started.</summary>
    public async Task<int> WakeAsync(CancellationToken cancellationToken)
    {
        if (runner.RunningCount > 0)
        {
            foreach (var request in await store.ListCancelRequestsAsync(node.Id, cancellationToken))
            {
                runner.RequestCancel(request.JobId, request.Reason);
            }
        }

        var total = 0;
        while (!runner.IsShuttingDown)
        {
            var due = await store.ClaimDueJobsAsync(node.Id, time.GetUtcNow(), node.LeaseDuration, Batch, cancellationToken);
            foreach (var job in due)
            {
                runner.Start(job);
            }

            total += due.Count;
            if (due.Count < Batch)
            {
                break;
            }
        }

        return total;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await schedule.WaitAsync(time, PollInterval, stoppingToken);
                await WakeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unreachable for now; the next poll tries again, and due jobs stay due.
                LogWakeFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Waking due jobs failed")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
