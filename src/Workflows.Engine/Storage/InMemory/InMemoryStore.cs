using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

/// <summary>
/// The job and app store in process memory, for tests and throwaway single-node runs: nothing survives the process.
/// It keeps the database stores' promises — atomic commits, sequence and lease checks, idempotency keys unique per
/// organisation, millisecond times, JSON copied in and out — and runs the same shared store test suite.
/// One lock guards everything; every method does its work under it and returns a completed task.
/// </summary>
public sealed partial class InMemoryStore : IJobStore, IAppStore, Schedules.IScheduleStore
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<Guid, JobEntry> _jobs = [];
    private readonly Dictionary<(string OrganizationId, string Key), Guid> _idempotencyKeys = [];
    private readonly SortedDictionary<long, OutboxMessage> _outbox = [];
    private readonly Dictionary<string, DateTimeOffset> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Handle> _handles = new(StringComparer.Ordinal);
    private readonly Dictionary<(string OrganizationId, string AppId), StoredApp> _apps = [];
    private readonly Dictionary<string, string> _definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string OrganizationId, string Id), Schedules.ScheduleRecord> _schedules = [];
    private readonly Dictionary<(string OrganizationId, string ScheduleId), SortedList<DateTimeOffset, Schedules.ScheduleRun>> _scheduleRuns = [];
    private long _lastOutboxId;
    private long _lastSignalId;

    /// <summary>Creates an empty store on the system clock.</summary>
    public InMemoryStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an empty store; <paramref name="timeProvider"/> stamps delivery attempts.</summary>
    public InMemoryStore(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Nothing to create; the store is ready when constructed.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    // Runs work under the lock. Exceptions become faulted tasks, as from a database store, so callers that start several
    // writes before awaiting them see each fail on its own.
    private Task<TResult> Locked<TState, TResult>(TState state, Func<InMemoryStore, TState, TResult> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        try
        {
            lock (_lock)
            {
                return Task.FromResult(work(this, state));
            }
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
    }

    private JobEntry? Find(Guid jobId) => _jobs.GetValueOrDefault(jobId);

    private static bool IsUnfinished(JobRecord job) => job.State is JobState.Queued or JobState.Running;
}
