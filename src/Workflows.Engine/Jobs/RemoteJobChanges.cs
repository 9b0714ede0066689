namespace Workflows.Engine.Jobs;

/// <summary>
/// Wake-ups about jobs committed by other nodes sharing the store (PostgreSQL's LISTEN/NOTIFY feeds them). They are
/// only signals: a watcher woken here reads the events from the store, which stays the truth, so a lost signal
/// delays an event until the next wake-up or resync but never loses it.
/// </summary>
public sealed class RemoteJobChanges(JobEventHub hub, JobRunner runner, JobWakeSchedule wakes)
{
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

    /// <summary>Signals may have been missed (the feed reconnected, or a periodic safety pass): every watcher re-reads the store.</summary>
    public void Resync() => hub.NudgeAll();
}
