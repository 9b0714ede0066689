using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Job writes, run by the writer inside its transaction, each under its own savepoint.</summary>
internal static class JobWrites
{
    /// <summary>A claim: of due waiting jobs (<see cref="Due"/>) or of abandoned ones; <see cref="LeaseNow"/> null is the database clock.</summary>
    public readonly record struct Claim(string Owner, DateTimeOffset Now, DateTimeOffset? LeaseNow, TimeSpan Lease, int Max, int PerOrganization, bool Due);

    private const string IdempotencyIndex = "jobs_org_idempotency";
    private const string PrimaryKey = "jobs_pkey";

    public static async Task<bool> CreateJobAsync(WriteSession session, JobInsert prepared)
    {
        await using var batch = session.CreateBatch();
        if (prepared.ReleaseKey is { } releaseKey)
        {
            // An expired key moves to the new job; the item's savepoint undoes this if the insert after it fails.
            batch.BatchCommands.Add(releaseKey.Copy());
        }
        var insert = prepared.Insert.Copy();
        batch.BatchCommands.Add(insert);
        try
        {
            await session.ExecuteAsync(batch);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation &&
                                                  exception.ConstraintName == IdempotencyIndex)
        {
            throw StoreErrors.DuplicateIdempotencyKey(prepared.Job, exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation &&
                                                  exception.ConstraintName == PrimaryKey)
        {
            throw StoreErrors.DuplicateJob(prepared.Job, exception);
        }
        if (insert.Rows == 0)
        {
            // The admission check of the insert found the organisation at its running-job limit: nothing was stored.
            throw new RunningLimitException(prepared.Job.OrganizationId, prepared.RunningLimit);
        }
        return true;
    }

    public static async Task<bool> CommitAsync(WriteSession session, CommitStatement prepared)
    {
        var commit = prepared.Commit;
        await using var batch = session.CreateBatch();
        batch.BatchCommands.Add(prepared.Statement.Copy());
        await using var reader = await session.ExecuteReaderAsync(batch);
        await reader.ReadAsync();
        if (reader.GetBoolean(0))
        {
            await reader.DisposeAsync();
            if (prepared.FollowUps.Length > 0)
            {
                // Separate statements: each sees what was committed before it started (READ COMMITTED), the commit's
                // own rows included.
                await using var followUps = session.CreateBatch();
                foreach (var command in prepared.FollowUps)
                {
                    followUps.BatchCommands.Add(command.Copy());
                }
                await session.ExecuteAsync(followUps);
            }
            return true;
        }
        if (reader.IsDBNull(2))
        {
            throw StoreErrors.JobNotFound(commit.JobId);
        }
        throw StoreErrors.CommitRejected(commit, reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), (JobState)reader.GetInt32(4));
    }

    /// <summary>
    /// Leases abandoned jobs (<see cref="JobSql.ClaimJobs"/>) or due waiting jobs (<see cref="JobSql.ClaimDue"/>), under the
    /// running-job limit when there is one: first the limit locks it can take without waiting, then the claim.
    /// </summary>
    public static async Task<IReadOnlyList<JobRecord>> ClaimAsync(WriteSession session, Claim claim)
    {
        int[]? buckets = null;
        if (claim.PerOrganization > 0)
        {
            await using var locking = session.CreateBatch();
            var tryLock = new NpgsqlBatchCommand(claim.Due ? JobSql.TryLockDue : JobSql.TryLockClaimable);
            tryLock.Parameters.Time("lease_now", claim.LeaseNow).Time("now", claim.Now);
            locking.BatchCommands.Add(tryLock);
            await using var reader = await session.ExecuteReaderAsync(locking);
            await reader.ReadAsync();
            buckets = reader.GetFieldValue<int[]>(0);
        }

        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(
            buckets is null ? (claim.Due ? JobSql.ClaimDue : JobSql.ClaimJobs) : (claim.Due ? JobSql.ClaimDueLimited : JobSql.ClaimJobsLimited));
        command.Parameters
            .Text("owner", claim.Owner)
            .Time("lease_now", claim.LeaseNow)
            .Interval("lease", claim.Lease)
            .Int("limit", claim.Max);
        if (claim.Due)
        {
            command.Parameters.Time("now", claim.Now);
        }
        if (buckets is not null)
        {
            // Jobs beyond the first few batches' worth wait for the next claim; an organisation at its limit cannot hide
            // the jobs of the others behind its own within them.
            command.Parameters.IntArray("buckets", buckets).Int("per_org", claim.PerOrganization).Int("scan", Math.Max(claim.Max * 8, 1000));
        }
        batch.BatchCommands.Add(command);
        await using (var reader = await session.ExecuteReaderAsync(batch))
        {
            return await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadJob, CancellationToken.None);
        }
    }

    public static async Task<IReadOnlyList<Guid>> RenewAsync(
        WriteSession session, (string Owner, Guid[] Ids, DateTimeOffset? LeaseNow, TimeSpan Lease) renew)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.RenewLeases);
        command.Parameters.UuidArray("ids", renew.Ids).Text("owner", renew.Owner).Time("lease_now", renew.LeaseNow).Interval("lease", renew.Lease);
        batch.BatchCommands.Add(command);
        var renewed = new HashSet<Guid>();
        await using (var reader = await session.ExecuteReaderAsync(batch))
        {
            while (await reader.ReadAsync())
            {
                renewed.Add(reader.GetGuid(0));
            }
        }
        // In the caller's order, once each.
        return renew.Ids.Where(renewed.Remove).ToList();
    }

    public static async Task<bool> ReleaseAsync(WriteSession session, (string Owner, Guid[] Ids) release)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.ReleaseLeases);
        command.Parameters.UuidArray("ids", release.Ids).Text("owner", release.Owner);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return true;
    }

    public static async Task<int> HeartbeatAsync(WriteSession session, (string NodeId, DateTimeOffset? LeaseNow, TimeSpan Ttl) beat)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.Heartbeat);
        command.Parameters
            .Text("id", beat.NodeId)
            .Time("lease_now", beat.LeaseNow)
            .Interval("ttl", beat.Ttl);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        await reader.ReadAsync();
        var others = reader.GetInt64(0);
        var self = beat.Ttl > TimeSpan.Zero ? 1 : 0;
        return (int)Math.Max(1, others + self);
    }

    public static async Task<IReadOnlyList<Guid>> PruneAsync(WriteSession session, (DateTimeOffset Before, int Limit) prune)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.Prune);
        command.Parameters.Time("before", prune.Before).Int("limit", prune.Limit);
        batch.BatchCommands.Add(command);
        var ids = new List<Guid>();
        await using var reader = await session.ExecuteReaderAsync(batch);
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }
}
