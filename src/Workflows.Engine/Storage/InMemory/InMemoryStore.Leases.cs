using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

// Leases and node heartbeats. One process holds this store, so they only matter to tests that play several nodes;
// they follow the database stores exactly so those tests mean the same thing here.
public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return Locked<(string, DateTimeOffset, DateTimeOffset, int), IReadOnlyList<JobRecord>>(
            (owner, StoredTime.Of(now), StoredTime.Of(now + lease), max),
            static (store, request) =>
            {
                var (owner, now, until, max) = request;
                if (max <= 0)
                {
                    return [];
                }
                var claimable = store._jobs.Values
                    .Where(entry => IsUnfinished(entry.Record) &&
                                    (entry.Record.LeaseOwner is null || !(entry.Record.LeaseExpiresAt > now)))
                    .ToList();
                claimable.Sort(JobEntry.OldestFirst);
                var claimed = new List<JobRecord>();
                foreach (var entry in claimable.Take(max))
                {
                    entry.Record = entry.Record with { LeaseOwner = owner, LeaseExpiresAt = until };
                    claimed.Add(entry.Read());
                }
                return claimed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> RenewLeasesAsync(
        string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(jobIds);
        return Locked<(string, Guid[], DateTimeOffset), IReadOnlyList<Guid>>(
            (owner, jobIds.ToArray(), StoredTime.Of(now + lease)),
            static (store, request) =>
            {
                var (owner, ids, until) = request;
                var renewed = new List<Guid>(ids.Length);
                foreach (var id in ids)
                {
                    if (store.Find(id) is { } entry && entry.Record.LeaseOwner == owner && entry.Record.State.IsActive())
                    {
                        entry.Record = entry.Record with { LeaseExpiresAt = until };
                        renewed.Add(id);
                    }
                }
                return renewed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(jobIds);
        return Locked((owner, ids: jobIds.ToArray()), static (store, request) =>
        {
            foreach (var id in request.ids)
            {
                if (store.Find(id) is { } entry && entry.Record.LeaseOwner == request.owner)
                {
                    entry.Record = entry.Record with { LeaseOwner = null, LeaseExpiresAt = null };
                }
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return Locked((nodeId, now: StoredTime.Of(now), until: StoredTime.Of(now + ttl)), static (store, request) =>
        {
            store._nodes[request.nodeId] = request.until;
            // Nodes gone for a day are forgotten, as in the database stores.
            var forgetBefore = request.now - TimeSpan.FromDays(1);
            foreach (var (id, aliveUntil) in store._nodes.ToList())
            {
                if (aliveUntil <= forgetBefore)
                {
                    store._nodes.Remove(id);
                }
            }
            return Math.Max(1, store._nodes.Values.Count(aliveUntil => aliveUntil > request.now));
        }, cancellationToken);
    }
}
