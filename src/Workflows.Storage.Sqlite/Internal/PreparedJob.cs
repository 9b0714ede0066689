using Workflows.Engine.Jobs;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// A new job and its first events with their JSON serialised on the caller's thread, so the single writer only binds.
/// </summary>
internal sealed record PreparedJob(JobRecord Job, string Id, string Variables, string? Result, PreparedEvent[] Events)
{
    public static PreparedJob From(JobRecord job, IReadOnlyList<JobEvent> events) =>
        new(job, JobIds.ToText(job.Id), StoredJson.Write(job.Variables), StoredJson.WriteOrNull(job.Result), PreparedEvent.FromAll(events));
}
