namespace Workflows.Engine.Jobs;

/// <summary>
/// The lifecycle state of a job: queued → running (⇄ waiting) → succeeded | failed | cancelled.
/// </summary>
public enum JobState
{
    /// <summary>Accepted and stored, not started yet.</summary>
    Queued = 1,

    /// <summary>Blocks are executing.</summary>
    Running = 2,

    /// <summary>Finished with a result.</summary>
    Succeeded = 3,

    /// <summary>Finished with an error.</summary>
    Failed = 4,

    /// <summary>Stopped by a caller before it finished.</summary>
    Cancelled = 5,

    /// <summary>
    /// Waiting for a time or a signal (<c>delay</c>, <c>wait_for_signal</c>): stored rows only, no node runs it until it
    /// is due or signalled.
    /// </summary>
    Waiting = 6,
}

/// <summary>Helpers on <see cref="JobState"/>.</summary>
public static class JobStateExtensions
{
    /// <summary>Whether the state is final.</summary>
    public static bool IsTerminal(this JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>Whether the job is under way: running, or about to (queued), or waiting to go on.</summary>
    public static bool IsActive(this JobState state) =>
        state is JobState.Queued or JobState.Running or JobState.Waiting;
}
