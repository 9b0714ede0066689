using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Retention;

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions.MaxAge"/>: finished jobs with everything of theirs, in
/// batches through the store, then files. Runs at start and every <see cref="RetentionOptions.Interval"/>.
/// </summary>
public sealed partial class RetentionService(
    IJobStore store,
    IFileStore files,
    IOptions<RetentionOptions> options,
    IOptions<JobOptions> jobOptions,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>
    /// One retention pass. Files are kept for a job's longest run (<see cref="JobOptions.MaxDuration"/>) longer than jobs,
    /// because a job's files are stored when it starts and it is pruned by when it finished.
    /// </summary>
    public async Task<RetentionResult> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var maxAge = options.Value.MaxAge;
        if (maxAge <= TimeSpan.Zero)
        {
            return new RetentionResult(0, 0);
        }

        var now = time.GetUtcNow();
        var batch = Math.Max(1, options.Value.BatchSize);
        var jobs = 0;
        while (true)
        {
            var pruned = await store.PruneAsync(now - maxAge, batch, cancellationToken);
            jobs += pruned.Count;
            if (pruned.Count < batch)
            {
                break;
            }
        }

        var fileCount = await files.DeleteStoredBeforeAsync(now - maxAge - jobOptions.Value.MaxDuration, cancellationToken);
        if (jobs > 0 || fileCount > 0)
        {
            LogPruned(logger, jobs, fileCount, maxAge);
        }

        return new RetentionResult(jobs, fileCount);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.MaxAge <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Retention is housekeeping: a failed pass is logged and tried again at the next interval.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Jobs} finished jobs and {Files} file records older than {MaxAge}")]
    private static partial void LogPruned(ILogger logger, int jobs, int files, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

