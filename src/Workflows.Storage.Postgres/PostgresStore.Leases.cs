using Workflows.Engine.Jobs;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

// Leases and node heartbeats: several nodes share the database, so a job runs on the node holding its lease, and a
// node that stops renewing loses its jobs to the others. Claims use SKIP LOCKED, so concurrent claimers split the jobs,
// and respect the running-job limit. Lease times are the database's (PostgresStoreOptions.UseDatabaseClock), so a node
// whose clock is off neither takes live leases nor writes leases that look expired to the others.
public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(
        string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            _ = Writer;
            return [];
        }
        return await WriteAsync(
            new JobWrites.Claim(owner, now, LeaseNow(now), lease, max, MaxRunningJobsPerOrganization, Due: false), JobWrites.ClaimAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> RenewLeasesAsync(
        string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(jobIds);
        if (jobIds.Count == 0)
        {
            _ = Writer;
            return [];
        }
        var ids = jobIds.ToArray();
        return await WriteAsync((owner, ids, LeaseNow(now), lease), JobWrites.RenewAsync, cancellationToken, ids);
    }

    /// <inheritdoc />
    public Task ReleaseLeasesAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(jobIds);
        var ids = jobIds.ToArray();
        return WriteAsync((owner, ids), JobWrites.ReleaseAsync, cancellationToken, ids);
    }

    /// <inheritdoc />
    public Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return WriteAsync((nodeId, LeaseNow(now), ttl), JobWrites.HeartbeatAsync, cancellationToken);
    }
}
