using Workflows.Engine.Jobs;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Leases and node heartbeats. SQLite serves one node, so these only matter across restarts of that node; they run
// through the single writer like every other write, which makes claims atomic without row locks.
public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        ClaimAsync(JobSql.SelectClaimable, owner, now, lease, max, cancellationToken);

    /// <summary>Leases to <paramref name="owner"/> up to <paramref name="max"/> jobs that <paramref name="select"/> finds free.</summary>
    private Task<IReadOnlyList<JobRecord>> ClaimAsync(
        string select, string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken, bool resume = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync<(string, string, long, long, int, bool, int), IReadOnlyList<JobRecord>>(
            (select, owner, UnixTime.ToMilliseconds(now), UnixTime.ToMilliseconds(now + lease), max, resume, MaxRunningJobsPerOrganization),
            static (connection, request) =>
            {
                var (select, owner, now, until, max, resume, perOrganization) = request;
                var claimed = new List<JobRecord>();
                if (max <= 0)
                {
                    return claimed;
                }
                // Under the running-job limit, of each organisation only as many as it has free places (its limit less its
                // jobs holding a live lease), oldest first; the single writer makes the count exact. An organisation at
                // its limit must not hide the others' jobs, so more are looked at than taken.
                var ids = new List<string>();
                var free = new Dictionary<string, long>(StringComparer.Ordinal);
                var scan = perOrganization > 0 ? Math.Max(max * 8, 1000) : max;
                using (var reader = connection.Command(select).Set("$now", now).Set("$limit", scan).ExecuteReader())
                {
                    var candidates = new List<(string Id, string Org, bool Limited)>();
                    while (reader.Read())
                    {
                        candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0));
                    }
                    reader.Close();
                    foreach (var (id, org, limited) in candidates)
                    {
                        if (ids.Count == max)
                        {
                            break;
                        }
                        if (perOrganization > 0 && limited)
                        {
                            if (!free.TryGetValue(org, out var places))
                            {
                                places = perOrganization - (long)connection.Command(JobSql.CountLeased).Set("$org", org).Set("$now", now).ExecuteScalar()!;
                            }
                            free[org] = places - 1;
                            if (places <= 0)
                            {
                                continue;
                            }
                        }
                        ids.Add(id);
                    }
                }
                foreach (var id in ids)
                {
                    if (!resume)
                    {
                        claimed.AddRange(connection.Command(JobSql.TakeLease)
                            .Set("$id", id).Set("$owner", owner).Set("$until", until).ReadAll(RowMapper<SqliteColumns>.ReadJob));
                        continue;
                    }

                    var job = connection.Command(JobSql.TakeDue)
                        .Set("$id", id).Set("$owner", owner).Set("$until", until).ReadFirst(RowMapper<SqliteColumns>.ReadJob);
                    if (job is { State: JobState.Running })
                    {
                        JobWrites.InsertResumed(connection, id, job.LastSequence, now);
                    }
                    if (job is not null)
                    {
                        claimed.Add(job);
                    }
                }
                return claimed;
            },
            cancellationToken);
    }

    /// <summary>
    /// Jobs of one organisation a claim lets hold a lease at once (0: no limit); new jobs are held to it by the engine,
    /// which runs them all on this one node.
    /// </summary>
    public int MaxRunningJobsPerOrganization { get; internal set; }

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> RenewLeasesAsync(
        string owner, IReadOnlyCollection<Guid> jobIds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(jobIds);
        return WriteAsync<(string, Guid[], long), IReadOnlyList<Guid>>(
            (owner, jobIds.ToArray(), UnixTime.ToMilliseconds(now + lease)),
            static (connection, request) =>
            {
                var (owner, ids, until) = request;
                var renewed = new List<Guid>(ids.Length);
                foreach (var id in ids)
                {
                    var changed = connection.Command(JobSql.RenewLease)
                        .Set("$id", JobIds.ToText(id)).Set("$owner", owner).Set("$until", until).ExecuteNonQuery();
                    if (changed > 0)
                    {
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
        return WriteAsync(
            (owner, jobIds.ToArray()),
            static (connection, request) =>
            {
                foreach (var id in request.Item2)
                {
                    connection.Command(JobSql.ReleaseLease).Set("$id", JobIds.ToText(id)).Set("$owner", request.owner).ExecuteNonQuery();
                }
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> HeartbeatNodeAsync(string nodeId, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return WriteAsync(
            (nodeId, UnixTime.ToMilliseconds(now), UnixTime.ToMilliseconds(now + ttl)),
            static (connection, request) =>
            {
                var (id, now, until) = request;
                connection.Command(JobSql.UpsertNode).Set("$id", id).Set("$until", until).ExecuteNonQuery();
                // Nodes gone for a day are forgotten, so the table stays as small as the cluster.
                connection.Command(JobSql.DeleteDeadNodes).Set("$before", now - (long)TimeSpan.FromDays(1).TotalMilliseconds).ExecuteNonQuery();
                var live = Convert.ToInt32(connection.Command(JobSql.CountLiveNodes).Set("$now", now).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                return Math.Max(1, live);
            },
            cancellationToken);
    }
}
