namespace Workflows.Engine.Jobs;

/// <summary>
/// Told when this process starts or resumes running a job (a new job, or an unfinished one after a restart), for
/// add-ons that follow jobs while they run here, such as progress forwarding. Register any number in DI.
/// </summary>
public interface IJobRunListener
{
    /// <summary>Called once per run of <paramref name="job"/> in this process; must return at once and not throw.</summary>
    void JobRunning(JobRecord job);
}
