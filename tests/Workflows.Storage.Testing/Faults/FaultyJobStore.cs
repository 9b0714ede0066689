using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing.Faults;

/// <summary>What <see cref="FaultyJobStore"/> does with one commit.</summary>
public enum CommitFault
{
    /// <summary>Passes it through.</summary>
    None,

    /// <summary>Fails before the store sees it, as a connection lost before the write would.</summary>
    FailBefore,

    /// <summary>Lets the store apply it, then fails: the commit is durable but its acknowledgement was lost.</summary>
    LoseAcknowledgement,
}

/// <summary>The error <see cref="FaultyJobStore"/> injects: one a real store gives when its connection drops.</summary>
public sealed class InjectedStoreFault(string message) : IOException(message);

/// <summary>
/// A job store that fails the commits a test chooses and passes everything else to the real store behind it. The plan
/// sees every commit with its number (1 for the first one made through this store) and answers what to do with it;
/// <paramref name="applied"/>, when given, runs once the store applied a commit and before its caller hears so.
/// </summary>
public sealed class FaultyJobStore(IJobStore inner, Func<JobCommit, int, CommitFault> plan, Func<JobCommit, Task>? applied = null) : IJobStore
{
    private int _commits;
    private int _injected;

    /// <summary>How many commits were failed on purpose so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>The store behind this one.</summary>
    public IJobStore Inner => inner;

    /// <inheritdoc />
    public async Task CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        var fault = plan(commit, Interlocked.Increment(ref _commits));
        if (fault == CommitFault.FailBefore)
        {
            Interlocked.Increment(ref _injected);
            throw new InjectedStoreFault($"injected: connection lost before commit of job {commit.JobId} at {commit.ExpectedSequence}");
        }

        await inner.CommitAsync(commit, cancellationToken);
        if (applied is not null)
        {
            await applied(commit);
        }

        if (fault == CommitFault.LoseAcknowledgement)
        {
            Interlocked.Increment(ref _injected);
            throw new InjectedStoreFault($"injected: acknowledgement lost after commit of job {commit.JobId} at {commit.ExpectedSequence}");
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken) =>
        inner.CreateJobAsync(job, events, cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        inner.GetJobAsync(organizationId, jobId, cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) => inner.GetJobAsync(jobId, cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken) => inner.ListJobsAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        inner.GetEventsAsync(jobId, afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        inner.GetOutputsAsync(jobId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) => inner.GetPostsAsync(jobId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> PruneAsync(DateTimeOffset finishedBefore, int batchSize, CancellationToken cancellationToken) =>
        inner.PruneAsync(finishedBefore, batchSize, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) => inner.ListUnfinishedJobsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        inner.FindByIdempotencyKeyAsync(organizationId, idempotencyKey, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.ClaimDueDeliveriesAsync(now, max, lease, cancellationToken);

    /// <inheritdoc />
    public Task RecordDeliveryAttemptAsync(long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        inner.RecordDeliveryAttemptAsync(outboxId, delivered, error, retryAt, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken) =>
        inner.ListDeliveriesAsync(jobId, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.RequeueDeliveryAsync(outboxId, now, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        inner.ClaimJobsAsync(owner, now, lease, max, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> RenewLeasesAsync(
        string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.RenewLeasesAsync(owner, jobIds, now, lease, cancellationToken);

    /// <inheritdoc />
    public Task ReleaseLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken) =>
        inner.ReleaseLeasesAsync(owner, jobIds, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        inner.ClaimDueJobsAsync(owner, now, lease, max, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken) => inner.CountJobsAsync(state, cancellationToken);

    /// <inheritdoc />
    public Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.PutHandleAsync(handle, now, cancellationToken);

    /// <inheritdoc />
    public Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.GetHandleAsync(key, now, cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken) =>
        inner.RequestCancelAsync(jobId, reason, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken) =>
        inner.ListCancelRequestsAsync(owner, cancellationToken);

    /// <inheritdoc />
    public Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken) => inner.AddSignalAsync(signal, cancellationToken);

    /// <inheritdoc />
    public Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken) =>
        inner.GetPendingSignalAsync(jobId, name, cancellationToken);

    /// <inheritdoc />
    public Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        inner.HeartbeatNodeAsync(nodeId, now, ttl, cancellationToken);
}
