using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.InMemory.Internal;
using Workflows.Engine.Storage.Support;

namespace Workflows.Engine.Storage.InMemory;

public sealed partial class InMemoryStore
{
    private const int MaxPageSize = 500;

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        WriteValidation.ValidateNewJob(job, events);
        // Serialised before the lock, as the database stores do on the caller's thread.
        var entry = JobEntry.From(job, events);
        return Locked(entry, static (store, entry) => store.Create(entry), cancellationToken);
    }

    /// <inheritdoc />
    public Task CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        WriteValidation.ValidateCommit(commit);
        var created = commit.Create is { } create ? JobEntry.From(create.Job, create.Events) : null;
        var prepared = PreparedCommit.From(commit);
        return Locked((created, prepared), static (store, state) =>
        {
            // Checked before anything changes, so a refused commit leaves no trace (one transaction in the SQL stores).
            if (state.created is { } entry)
            {
                store.CheckCreate(entry);
                store.CheckCommit(state.prepared, entry);
                store.Create(entry);
            }
            else
            {
                store.CheckCommit(state.prepared, null);
            }
            store.Apply(state.prepared);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        Locked((organizationId, jobId), static (store, key) =>
            store.Find(key.jobId) is { } entry && entry.Record.OrganizationId == key.organizationId ? entry.Read() : null,
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        Locked(jobId, static (store, id) => store.Find(id)?.Read(), cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A malformed token is the caller's mistake whatever the store holds: parsed before the lock.
        (DateTimeOffset CreatedAt, string Id)? after = null;
        if (query.PageToken is not null)
        {
            var (createdAt, id) = PageToken.Parse(query.PageToken, nameof(query));
            after = (createdAt, id.ToString("D"));
        }
        return Locked((query, after), static (store, request) => store.ListJobs(request.query, request.after), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Locked<(Guid, long, int), IReadOnlyList<JobEvent>>((jobId, afterSequence, limit), static (store, request) =>
        {
            var (id, after, limit) = request;
            if (limit <= 0 || store.Find(id) is not { } entry)
            {
                return [];
            }
            // Events are numbered 1, 2, … without gaps, so event n sits at index n - 1.
            var start = (int)Math.Clamp(after, 0, entry.Events.Count);
            var count = Math.Min(limit, entry.Events.Count - start);
            var events = new List<JobEvent>(count);
            for (var i = start; i < start + count; i++)
            {
                events.Add(entry.Events[i].Read());
            }
            return events;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        Locked<Guid, IReadOnlyDictionary<string, JsonNode?>>(jobId, static (store, id) =>
        {
            var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (store.Find(id) is { } entry)
            {
                foreach (var (blockId, output) in entry.Outputs)
                {
                    outputs[blockId] = StoredJson.Parse(output);
                }
            }
            return outputs;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) =>
        Locked<Guid, IReadOnlyList<JobPost>>(jobId, static (store, id) => store.Find(id)?.Posts.ToList() ?? [], cancellationToken);

    /// <inheritdoc />
    public Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken) =>
        Locked(state, static (store, state) => (long)store._jobs.Values.Count(entry => entry.Record.State == state), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        Locked<bool, IReadOnlyList<JobRecord>>(true, static (store, _) =>
        {
            var unfinished = store._jobs.Values.Where(entry => IsUnfinished(entry.Record)).ToList();
            unfinished.Sort(JobEntry.OldestFirst);
            return unfinished.ConvertAll(entry => entry.Read());
        }, cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        Locked((organizationId, idempotencyKey), static (store, key) =>
            store._idempotencyKeys.TryGetValue(key, out var id) ? store._jobs[id].Read() : null,
            cancellationToken);

    private JobPage ListJobs(JobQuery query, (DateTimeOffset CreatedAt, string Id)? after)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var matching = new List<JobEntry>();
        foreach (var entry in _jobs.Values)
        {
            var job = entry.Record;
            if (job.OrganizationId != query.OrganizationId ||
                (query.State is { } state && job.State != state) ||
                (query.AppIds is { } apps && !apps.Contains(job.AppId, StringComparer.Ordinal)))
            {
                continue;
            }
            // (created_at, id) < (after_created, after_id): strictly older than the previous page's last job.
            if (after is { } cursor &&
                (job.CreatedAt > cursor.CreatedAt ||
                 (job.CreatedAt == cursor.CreatedAt && string.CompareOrdinal(entry.IdText, cursor.Id) >= 0)))
            {
                continue;
            }
            matching.Add(entry);
        }
        matching.Sort(JobEntry.NewestFirst);

        var jobs = matching.Take(pageSize).Select(entry => entry.Read()).ToList();
        string? next = null;
        if (matching.Count > pageSize)
        {
            var last = jobs[^1];
            next = PageToken.Create(last.CreatedAt, last.Id);
        }
        return new JobPage(jobs, next);
    }

    private void CheckCreate(JobEntry entry)
    {
        var job = entry.Record;
        if (_jobs.ContainsKey(job.Id))
        {
            throw new InvalidOperationException($"Job {job.Id} already exists.");
        }
        if (job.IdempotencyKey is { } key &&
            _idempotencyKeys.TryGetValue((job.OrganizationId, key), out var holderId) &&
            !(_jobs[holderId].Record.IdempotencyExpiresAt is { } expires && expires <= job.CreatedAt))
        {
            throw new ConcurrencyException(
                $"Organisation {job.OrganizationId} already has a job with idempotency key '{key}'.");
        }
    }

    // Checks, then stores; nothing changes when a check fails.
    private bool Create(JobEntry entry)
    {
        CheckCreate(entry);
        var job = entry.Record;
        if (job.IdempotencyKey is { } key)
        {
            if (_idempotencyKeys.TryGetValue((job.OrganizationId, key), out var holderId))
            {
                // The holder's key has expired (CheckCreate made sure): it moves to the new job.
                var holder = _jobs[holderId];
                holder.Record = holder.Record with { IdempotencyKey = null, IdempotencyFingerprint = null, IdempotencyExpiresAt = null };
            }
            _idempotencyKeys[(job.OrganizationId, key)] = job.Id;
        }
        _jobs.Add(job.Id, entry);
        return true;
    }

    // The checks of a commit; created is the job the same commit stores first (not in _jobs yet).
    private void CheckCommit(PreparedCommit prepared, JobEntry? created)
    {
        var commit = prepared.Commit;
        var entry = created ?? Find(commit.JobId) ?? throw new KeyNotFoundException($"Job {commit.JobId} does not exist.");
        var job = entry.Record;
        if (job.State.IsTerminal())
        {
            // Final, whatever sequence the writer expected: no node writes into a finished job.
            throw new ConcurrencyException($"Job {commit.JobId} has finished ({job.State.ToString().ToLowerInvariant()}); it takes no more events or state changes.");
        }
        if (job.LastSequence != commit.ExpectedSequence)
        {
            throw new ConcurrencyException($"Job {commit.JobId} is at sequence {job.LastSequence}, but the commit expected {commit.ExpectedSequence}.");
        }
        if (commit.LeaseOwner is { } owner && job.LeaseOwner != owner)
        {
            throw new ConcurrencyException($"Job {commit.JobId} is leased to {job.LeaseOwner ?? "no node"}, not to {owner}.");
        }
        var postIds = new HashSet<string>(entry.Posts.Select(post => post.Id), StringComparer.Ordinal);
        foreach (var post in commit.Posts)
        {
            if (!postIds.Add(post.Id))
            {
                throw new InvalidOperationException($"Job {commit.JobId} already has a post with id '{post.Id}'.");
            }
        }
    }

    private void Apply(PreparedCommit prepared)
    {
        var commit = prepared.Commit;
        var entry = _jobs[commit.JobId];
        entry.Events.AddRange(prepared.Events);
        var job = entry.Record;
        entry.Record = job with
        {
            LastSequence = prepared.Events.Length == 0 ? job.LastSequence : prepared.Events[^1].Event.Sequence,
            State = commit.State ?? job.State,
            StartedAt = StoredTime.Of(commit.StartedAt) ?? job.StartedAt,
            FinishedAt = StoredTime.Of(commit.FinishedAt) ?? job.FinishedAt,
            Error = commit.Error ?? job.Error,
            RunTime = commit.RunTime is { } runTime ? TimeSpan.FromMilliseconds(Math.Floor(runTime.TotalMilliseconds)) : job.RunTime,
            TraceParent = commit.TraceParent ?? job.TraceParent,
        };
        if (commit.Wait is { } wait)
        {
            // A cancel request that came while the job ran makes the wait due at once, as a buffered signal does.
            var due = entry.Record.CancelRequested is not null ? entry.Record.CreatedAt
                : wait.Signals.Any(name => entry.Signals.Any(s => !s.Consumed && s.Name == name)) ? StoredTime.Of(wait.Since)
                : StoredTime.Of(wait.WakeAt);
            entry.Record = entry.Record with { WakeAt = due, WaitSignals = [.. wait.Signals], LeaseOwner = null, LeaseExpiresAt = null };
        }
        else if (commit.State is { } state && state != JobState.Waiting)
        {
            entry.Record = entry.Record with { WakeAt = null, WaitSignals = [] };
        }
        foreach (var id in commit.ConsumeSignals)
        {
            var index = entry.Signals.FindIndex(s => s.Id == id);
            if (index >= 0)
            {
                entry.Signals[index] = entry.Signals[index] with { Consumed = true };
            }
        }
        if (prepared.Result is not null)
        {
            entry.Result = prepared.Result;
        }
        foreach (var (blockId, output) in prepared.Outputs)
        {
            entry.Outputs[blockId] = output;
        }
        entry.Posts.AddRange(prepared.Posts);
        foreach (var message in prepared.Outbox)
        {
            var id = ++_lastOutboxId;
            _outbox.Add(id, message with { Id = id });
        }
    }
}
