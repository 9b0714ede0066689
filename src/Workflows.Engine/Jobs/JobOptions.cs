namespace Workflows.Engine.Jobs;

/// <summary>Job timing settings (config section <c>Workflows:Jobs</c>).</summary>
public sealed class JobOptions
{
    /// <summary>How long a native Run waits for the result when the caller sets no <c>wait</c>.</summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the REST dialects' synchronous run waits before answering with a running thread.</summary>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a job may run before it fails with a timeout.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);
}
