using Workflows.Engine.Diagnostics;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Server.Observability;

/// <summary>
/// Samples the number of waiting jobs in the store for the <c>workflows_jobs_waiting</c> gauge, every
/// <c>Workflows:Observability:WaitingSampleInterval</c> (default 15 s): a scrape never waits for a query.
/// </summary>
internal sealed partial class WaitingJobsSampler(IJobStore store, IConfiguration configuration, TimeProvider time, ILogger<WaitingJobsSampler> logger)
    : BackgroundService
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue<TimeSpan?>("Workflows:Observability:WaitingSampleInterval") ?? DefaultInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    EngineTelemetry.SetWaitingJobs(await store.CountJobsAsync(JobState.Waiting, stoppingToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is down or not migrated yet: the gauge keeps its last sample; readiness reports the outage.
                    LogSampleFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Counting waiting jobs failed: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
