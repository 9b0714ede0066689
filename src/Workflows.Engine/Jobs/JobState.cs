namespace Workflows.Engine.Jobs;

/// <summary>The lifecycle state of a job: queued → running → succeeded | failed | cancelled.</summary>
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
}

/// <summary>Helpers on <see cref="JobState"/>.</summary>
public static class JobStateExtensions
{
    /// <summary>Whether the state is final.</summary>
    public static bool IsTerminal(this JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
