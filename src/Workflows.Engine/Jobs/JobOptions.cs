namespace Workflows.Engine.Jobs;

/// <summary>Job timing settings (config section <c>Workflows:Jobs</c>).</summary>
public sealed class JobOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Jobs";

    /// <summary>How long a native Run waits for the result when the caller sets no <c>wait</c>.</summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the REST dialects' synchronous run waits before answering with a running thread.</summary>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a job may run before it fails with a timeout.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest one block may run when it sets no <c>timeout</c> of its own (<c>delay</c> blocks are exempt from this
    /// default); zero or less means no default limit.
    /// </summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an idempotency key keeps answering with the job it started; afterwards the key may start a new job.
    /// Child jobs' keys never expire.
    /// </summary>
    public TimeSpan IdempotencyKeyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a job's commit is sent again while the store fails for a reason that may pass (a lost connection, a
    /// database restart). Past it the run stops on this node without writing more, and the job resumes from its last
    /// durable commit once its lease runs out (on any node whose store works).
    /// </summary>
    public TimeSpan CommitRetryWindow { get; set; } = TimeSpan.FromSeconds(30);
}
