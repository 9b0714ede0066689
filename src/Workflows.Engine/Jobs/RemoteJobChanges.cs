using Microsoft.Extensions.Logging;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Wake-ups about jobs committed by other nodes sharing the store (PostgreSQL's LISTEN/NOTIFY feeds them). They are
/// only signals: a watcher woken here reads the events from the store, which stays the truth, so a lost signal
/// delays an event until the next wake-up or resync but never loses it.
/// </summary>
public sealed partial class RemoteJobChanges(
    JobEventHub hub, JobRunner runner, JobWakeSchedule wakes, IJobStore store, ILogger<RemoteJobChanges> logger)
{
    // Jobs asked about per read while catching up.
    private const int CatchUpPage = 500;

    private int _catchingUp;

    /// <summary>Another node (or this one) committed events of <paramref name="jobId"/> up to <paramref name="lastSequence"/>.</summary>
    public void Committed(Guid jobId, long lastSequence)
    {
        // Jobs running here publish their own events as soon as they are durable; a signal would only cost a read.
        if (!runner.IsRunningHere(jobId))
        {
            hub.Nudge(jobId, lastSequence);
        }
    }

    /// <summary>
    /// Some node stored a request for <paramref name="jobId"/>: a cancel, or a signal that made the waiting job due.
    /// <see cref="JobWaker"/> looks now rather than at its next poll, so the node running the job stops it (and a node
    /// claims the due job) well within the 2 s a cancel may take; the poll stays the fallback for a lost notification.
    /// </summary>
    public void WakeRequested(Guid jobId, long lastSequence)
    {
        Committed(jobId, lastSequence);
        wakes.Now();
    }

    /// <summary>
    /// Signals may have been missed (the feed reconnected, or a periodic safety pass): the stored last sequences of the
    /// watched jobs are read in pages, and only the watchers of jobs that moved past what they were told (or were
    /// removed) re-read the store. Runs in the background; a pass still running makes this one a no-op.
    /// </summary>
    public void Resync()
    {
        if (Interlocked.Exchange(ref _catchingUp, 1) == 0)
        {
            _ = CatchUpAsync();
        }
    }

    /// <summary>One catch-up pass (see <see cref="Resync"/>); returns how many jobs' watchers it woke.</summary>
    public async Task<int> CatchUpOnceAsync(CancellationToken cancellationToken)
    {
        var woken = 0;
        foreach (var page in hub.WatchedJobIds.Chunk(CatchUpPage))
        {
            woken += hub.NudgeBehind(page, await store.GetLastSequencesAsync(page, cancellationToken));
        }

        return woken;
    }

    private async Task CatchUpAsync()
    {
        try
        {
            await CatchUpOnceAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is unreachable: the next pass (the feed reconnecting, or the next interval) tries again.
            LogCatchUpFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _catchingUp, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not catch watchers up with the store")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception);
}
