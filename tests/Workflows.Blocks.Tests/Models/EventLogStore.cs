using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Blocks.Tests.Models;

/// <summary>A job store that only holds one event log, for code that reads events and nothing else.</summary>
public sealed class EventLogStore(IReadOnlyList<JobEvent> events) : IJobStore
{
    public int Reads { get; private set; }

    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        Reads++;
        IReadOnlyList<JobEvent> page = [.. events.Where(e => e.JobId == jobId && e.Sequence > afterSequence).Take(limit)];
        return Task.FromResult(page);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task CommitAsync(JobCommit commit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task ReleaseLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<Guid>> PruneAsync(DateTimeOffset finishedBefore, int batchSize, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task RecordDeliveryAttemptAsync(long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
}
