using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Job writes, run by the writer inside its transaction, each under its own savepoint.</summary>
internal static class JobWrites
{
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
        batch.BatchCommands.Add(prepared.Insert.Copy());
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

    public static async Task<IReadOnlyList<JobRecord>> ClaimAsync(
        WriteSession session, (string Owner, DateTimeOffset Now, DateTimeOffset Until, int Max) claim)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.ClaimJobs);
        command.Parameters.Text("owner", claim.Owner).Time("now", claim.Now).Time("until", claim.Until).Int("limit", claim.Max);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        return await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadJob, CancellationToken.None);
    }

    public static async Task<IReadOnlyList<Guid>> RenewAsync(
        WriteSession session, (string Owner, Guid[] Ids, DateTimeOffset Until) renew)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.RenewLeases);
        command.Parameters.UuidArray("ids", renew.Ids).Text("owner", renew.Owner).Time("until", renew.Until);
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

    public static async Task<int> HeartbeatAsync(WriteSession session, (string NodeId, DateTimeOffset Now, DateTimeOffset Until) beat)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.Heartbeat);
        command.Parameters
            .Text("id", beat.NodeId)
            .Time("until", beat.Until)
            .Time("now", beat.Now)
            .Time("forget_before", beat.Now - TimeSpan.FromDays(1));
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        await reader.ReadAsync();
        var others = reader.GetInt64(0);
        var self = beat.Until > beat.Now ? 1 : 0;
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
