namespace Workflows.Engine.Jobs;

/// <summary>The names of job events, as the API shows them.</summary>
public static class JobEventTypes
{
    /// <summary>The job was accepted.</summary>
    public const string JobQueued = "job_queued";
    /// <summary>The job began executing.</summary>
    public const string JobStarted = "job_started";
    /// <summary>A block began.</summary>
    public const string BlockStarted = "block_started";
    /// <summary>A block finished; carries its output and duration.</summary>
    public const string BlockCompleted = "block_completed";
    /// <summary>A block failed.</summary>
    public const string BlockFailed = "block_failed";
    /// <summary>A block was not run (for example on a branch not taken).</summary>
    public const string BlockSkipped = "block_skipped";
    /// <summary>Streamed model output.</summary>
    public const string TextDelta = "text_delta";
    /// <summary>A log line from a block.</summary>
    public const string Log = "log";
    /// <summary>The job stopped running to wait for a time or a signal; <c>data</c> says what it waits for.</summary>
    public const string JobWaiting = "job_waiting";
    /// <summary>A waiting job runs again (its time came, a signal arrived, or its wait timed out).</summary>
    public const string JobResumed = "job_resumed";
    /// <summary>The job finished with a result.</summary>
    public const string JobSucceeded = "job_succeeded";
    /// <summary>The job finished with an error.</summary>
    public const string JobFailed = "job_failed";
    /// <summary>The job was stopped.</summary>
    public const string JobCancelled = "job_cancelled";

    /// <summary>Whether an event of this type ends the job.</summary>
    public static bool IsTerminal(string type) =>
        type is JobSucceeded or JobFailed or JobCancelled;
}
