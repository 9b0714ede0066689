using Workflows.Engine.Jobs;

namespace Workflows.Storage.Relational;

/// <summary>
/// A new job and its first events with their JSON serialised on the caller's thread, so a store's writer only binds.
/// </summary>
/// <param name="Job">The job.</param>
/// <param name="Variables">Its variables as stored JSON.</param>
/// <param name="Result">Its result as stored JSON, or null.</param>
/// <param name="Events">Its first events.</param>
public sealed record PreparedJob(JobRecord Job, string Variables, string? Result, PreparedEvent[] Events)
{
    /// <summary>Serialises <paramref name="job"/> and <paramref name="events"/>.</summary>
    public static PreparedJob From(JobRecord job, IReadOnlyList<JobEvent> events)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(job, StoredJson.Write(job.Variables), StoredJson.WriteOrNull(job.Result), PreparedEvent.FromAll(events));
    }
}
