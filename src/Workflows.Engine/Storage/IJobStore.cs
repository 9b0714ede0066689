using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Storage;

/// <summary>
/// Durable jobs: records, their ordered event logs, checkpointed block outputs, posts and the delivery outbox.
/// Every write is committed before the method returns. Reads never cross organisations where an
/// organisation is given. Implemented once per database and checked by the shared store test suite.
/// </summary>
public interface IJobStore
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new job with its first events (sequence 1, …) in one transaction. The job's
    /// <see cref="JobRecord.LastSequence"/> must equal the last event's sequence. An idempotency key is unique per
    /// organisation: when another job holds it, throws <see cref="ConcurrencyException"/>, unless that job's
    /// <see cref="JobRecord.IdempotencyExpiresAt"/> is at or before the new job's <see cref="JobRecord.CreatedAt"/>;
    /// then, in the same transaction, the key moves to the new job (the old job's key, fingerprint and expiry are cleared).
    /// </summary>
    Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken);

    /// <summary>Applies a commit atomically; throws <see cref="ConcurrencyException"/> on a sequence mismatch
    /// and <see cref="KeyNotFoundException"/> for an unknown job.</summary>
    Task CommitAsync(JobCommit commit, CancellationToken cancellationToken);

    /// <summary>A job of the organisation, or null (also when it belongs to another organisation).</summary>
    Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken);

    /// <summary>A job by id regardless of organisation, for the runner only.</summary>
    Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>A page of an organisation's jobs, newest first.</summary>
    Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>Events with sequence greater than <paramref name="afterSequence"/>, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The last sequence of each of <paramref name="jobIds"/> that exists (a job missing from the answer does not exist,
    /// or was removed). For catching watchers up after missed wake-ups: a store shared by several nodes answers in one
    /// read; the default reads the jobs one by one.
    /// </summary>
    async Task<IReadOnlyDictionary<Guid, long>> GetLastSequencesAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var last = new Dictionary<Guid, long>(jobIds.Count);
        foreach (var id in jobIds)
        {
            if (await GetJobAsync(id, cancellationToken) is { } job)
            {
                last[id] = job.LastSequence;
            }
        }

        return last;
    }

    /// <summary>Checkpointed block outputs by block id.</summary>
    Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>The job's posts in order.</summary>
    Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> finished jobs (succeeded, failed or cancelled) that finished before
    /// <paramref name="finishedBefore"/>, oldest first, with everything of theirs: events, block outputs, posts and
    /// outbox messages (delivery logs). One batch is one transaction. Returns the ids of the jobs deleted; fewer than
    /// <paramref name="batchSize"/> means nothing older is left. Unfinished jobs are never deleted.
    /// </summary>
    Task<IReadOnlyList<Guid>> PruneAsync(DateTimeOffset finishedBefore, int batchSize, CancellationToken cancellationToken);

    /// <summary>
    /// How many jobs (of every organisation) are in <paramref name="state"/>: a real query, for the waiting-jobs gauge and
    /// the readiness check, which tells from it that the store answers.
    /// </summary>
    Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken);

    /// <summary>Jobs not in a terminal state, oldest first, for recovery after a restart.</summary>
    Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken);

    /// <summary>The job of the organisation that holds this idempotency key (expired or not), or null.</summary>
    Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Outbox messages due at <paramref name="now"/>, at most <paramref name="max"/>; each is leased (its next attempt
    /// moved to now + <paramref name="lease"/>) so another claimer does not take it meanwhile.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records an attempt: removes the message from the due set when <paramref name="retryAt"/> is null
    /// (delivered or given up), else schedules the retry.</summary>
    Task RecordDeliveryAttemptAsync(long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>A job's outbox messages (pending and finished), oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a delivered or failed outbox message back in the due set: <see cref="DeliveryStatus.Pending"/>, next
    /// attempt at <paramref name="now"/> (its attempts and last error are kept). Returns false, changing nothing, when
    /// it is pending already; throws <see cref="KeyNotFoundException"/> for an unknown message.
    /// </summary>
    Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over up to <paramref name="max"/> unfinished jobs (queued or running) that no node holds — no lease, or
    /// one that ran out at or before <paramref name="now"/> — oldest first: each gets <paramref name="owner"/> as its
    /// lease owner until <paramref name="now"/> + <paramref name="lease"/>. Several nodes claiming at once never get the
    /// same job. Returns the claimed jobs as stored after the claim.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Extends <paramref name="owner"/>'s leases on <paramref name="jobIds"/> to <paramref name="now"/> +
    /// <paramref name="lease"/>. Returns the ids renewed; a job missing from the answer is no longer this owner's to
    /// run (another node took it over, or it finished — for example cancelled from another node).
    /// </summary>
    Task<IReadOnlyList<Guid>> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives up <paramref name="owner"/>'s leases on <paramref name="jobIds"/> (at shutdown), so other nodes may claim them at once.</summary>
    Task ReleaseLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over up to <paramref name="max"/> waiting jobs that are due — their <see cref="JobRecord.WakeAt"/> at or before
    /// <paramref name="now"/>, or a cancel request stored — and that no node holds, earliest due first: each gets
    /// <paramref name="owner"/>'s lease until <paramref name="now"/> + <paramref name="lease"/>. In the same transaction each
    /// one without a cancel request is resumed: <see cref="JobState.Running"/>, its wait cleared, and a
    /// <see cref="JobEventTypes.JobResumed"/> event at <paramref name="now"/> appended (so thousands of timers due at once
    /// resume in a few transactions, not one each); one with a cancel request stays waiting, for its runner to end it.
    /// Several nodes claiming at once never get the same job. Returns the claimed jobs as stored after the claim.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a cancel request (<paramref name="reason"/>; an earlier request's reason is kept) on an unfinished job and
    /// returns the job as stored afterwards; a finished job is returned unchanged; null when it does not exist.
    /// </summary>
    Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken);

    /// <summary>Cancel requests of unfinished jobs leased to <paramref name="owner"/>.</summary>
    Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a signal for an unfinished job, in one transaction with its effect: when the job waits for that name it
    /// becomes due at the signal's time. A finished job stores nothing. A repeated idempotency key (per job) stores
    /// nothing and answers the earlier signal, also once the job has finished.
    /// </summary>
    Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken);

    /// <summary>The oldest signal of that name not taken yet, or null.</summary>
    Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Records that node <paramref name="nodeId"/> is alive until <paramref name="now"/> + <paramref name="ttl"/> and
    /// returns how many nodes are alive at <paramref name="now"/>, itself included (at least 1).
    /// </summary>
    Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="handle"/>, replacing any handle with its key, and forgets handles expired at
    /// <paramref name="now"/>.
    /// </summary>
    Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The handle stored under <paramref name="key"/>, or null when there is none or it expired at <paramref name="now"/>.</summary>
    Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);
}
