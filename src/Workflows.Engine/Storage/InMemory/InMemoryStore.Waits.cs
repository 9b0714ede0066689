using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.InMemory.Internal;
using Workflows.Engine.Storage.Support;

namespace Workflows.Engine.Storage.InMemory;

// Waiting jobs, signals and cancel requests, as the database stores keep them.
public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return Locked<(string, DateTimeOffset, DateTimeOffset, int), IReadOnlyList<JobRecord>>(
            (owner, StoredTime.Of(now), StoredTime.Of(now + lease), max),
            static (store, request) =>
            {
                var (owner, now, until, max) = request;
                var due = store._jobs.Values
                    .Where(entry => IsDue(entry.Record, now))
                    .OrderBy(entry => entry.Record.WakeAt ?? DateTimeOffset.MinValue)
                    .ThenBy(entry => entry.IdText, StringComparer.Ordinal)
                    .Take(Math.Max(0, max))
                    .ToList();
                var claimed = new List<JobRecord>(due.Count);
                foreach (var entry in due)
                {
                    entry.Record = entry.Record with { LeaseOwner = owner, LeaseExpiresAt = until };
                    if (entry.Record.CancelRequested is null)
                    {
                        // Resumed by the claim, as in the SQL stores: running, wait cleared, job_resumed at now.
                        var sequence = entry.Record.LastSequence + 1;
                        entry.Record = entry.Record with { State = JobState.Running, LastSequence = sequence, WakeAt = null, WaitSignals = [] };
                        entry.Events.Add(StoredEvent.From(new JobEvent(entry.Record.Id, sequence, JobEventTypes.JobResumed, now)));
                    }
                    claimed.Add(entry.Read());
                }
                return claimed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Locked((jobId, reason), static (store, request) =>
        {
            if (store.Find(request.jobId) is not { } entry)
            {
                return null;
            }
            if (entry.Record.State.IsActive())
            {
                // A waiting job becomes due at once, as in the SQL stores.
                entry.Record = entry.Record with
                {
                    CancelRequested = entry.Record.CancelRequested ?? request.reason,
                    WakeAt = entry.Record.State == JobState.Waiting ? entry.Record.CreatedAt : entry.Record.WakeAt,
                };
            }
            return entry.Read();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return Locked<string, IReadOnlyList<CancelRequest>>(owner, static (store, owner) => store._jobs.Values
            .Where(entry => entry.Record.LeaseOwner == owner && entry.Record.CancelRequested is not null && entry.Record.State.IsActive())
            .Select(entry => new CancelRequest(entry.Record.Id, entry.Record.CancelRequested!))
            .ToList(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentException.ThrowIfNullOrEmpty(signal.Name);
        var stored = signal with
        {
            Payload = StoredJson.ParseObject(StoredJson.Write(signal.Payload)),
            CreatedAt = StoredTime.Of(signal.CreatedAt),
            Consumed = false,
        };
        return Locked(stored, static (store, signal) =>
        {
            if (store.Find(signal.JobId) is not { } entry)
            {
                return new SignalAdded(null, null, false);
            }
            // A repeated key answers the first signal even after the job finished: a retried send sees its own result.
            if (signal.IdempotencyKey is { } key && entry.Signals.Find(s => s.IdempotencyKey == key) is { } earlier)
            {
                return new SignalAdded(entry.Read(), Copy(earlier), true);
            }
            if (!entry.Record.State.IsActive())
            {
                return new SignalAdded(entry.Read(), null, false);
            }
            var added = signal with { Id = ++store._lastSignalId };
            entry.Signals.Add(added);
            var job = entry.Record;
            if (job.State == JobState.Waiting && job.WaitSignals.Contains(signal.Name, StringComparer.Ordinal)
                && !(job.WakeAt <= signal.CreatedAt))
            {
                entry.Record = job with { WakeAt = signal.CreatedAt };
            }
            return new SignalAdded(entry.Read(), Copy(added), false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken) =>
        Locked((jobId, name), static (store, request) =>
            store.Find(request.jobId)?.Signals.Find(s => !s.Consumed && s.Name == request.name) is { } signal ? Copy(signal) : null,
            cancellationToken);

    private static bool IsDue(JobRecord job, DateTimeOffset now) =>
        job.State == JobState.Waiting
        && job.WakeAt <= now
        && (job.LeaseOwner is null || !(job.LeaseExpiresAt > now));

    private static JobSignal Copy(JobSignal signal) => signal with { Payload = StoredJson.ParseObject(StoredJson.Write(signal.Payload)) };
}
