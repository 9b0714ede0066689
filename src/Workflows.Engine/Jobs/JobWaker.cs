using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Jobs.Internal;
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
    JobEventHub hub,
    ClusterNode node,
    JobWakeSchedule schedule,
    TimeProvider time,
    ILogger<JobWaker> logger) : BackgroundService
{
    /// <summary>The longest the store goes unpolled; cancel requests are checked as often.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Jobs per claim (one store transaction: on SQLite ≈ 100 ms of writer time at most, one fsync), and at most this many
    // claims before the claimed jobs start.
    private const int Batch = 2000;
    private const int MaxBatchesPerPass = 10;

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

        // Every due job is claimed, and so resumed by the store (job_resumed written in the claim's transaction), before
        // any of them runs: thousands of timers due at once then resume in a few transactions, instead of each waiting
        // behind the commits of the ones woken before it.
        var claimed = new List<JobRecord>();
        for (var batches = 0; batches < MaxBatchesPerPass && !runner.IsShuttingDown; batches++)
        {
            var now = StoredTime.Now(time);
            var due = await store.ClaimDueJobsAsync(node.Id, now, node.LeaseDuration, Batch, cancellationToken);
            foreach (var job in due)
            {
                if (job.State == JobState.Running)
                {
                    hub.Publish([new JobEvent(job.Id, job.LastSequence, JobEventTypes.JobResumed, now)]);
                }
            }

            claimed.AddRange(due);
            if (due.Count < Batch)
            {
                break;
            }
        }

        foreach (var job in claimed)
        {
            // A job with a cancel request is still waiting: its runner ends it cancelled without running a block.
            runner.Start(job, resumedByClaim: job.State == JobState.Running);
        }

        return claimed.Count;
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
