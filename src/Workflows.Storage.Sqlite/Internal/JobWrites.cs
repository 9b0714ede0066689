using Microsoft.Data.Sqlite;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Job writes, run by the single writer inside its transaction.</summary>
internal static class JobWrites
{
    private const int SqliteConstraint = 19;

    public static bool CreateJob(CachedConnection connection, PreparedJob prepared)
    {
        if (prepared.Job.IdempotencyKey is { } key)
        {
            // An expired key moves to the new job; the writer's savepoint undoes this if the insert below fails.
            connection.Statement(JobSql.ReleaseExpiredIdempotencyKey)
                .Set("$org", prepared.Job.OrganizationId)
                .Set("$key", key)
                .Set("$now", UnixTime.ToMilliseconds(prepared.Job.CreatedAt))
                .ExecuteNonQuery();
        }

        var insert = connection.Statement(JobSql.InsertJob);
        JobRows.BindJob(insert, prepared);
        try
        {
            insert.ExecuteNonQuery();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint &&
                                                 exception.Message.Contains("idempotency_key", StringComparison.Ordinal))
        {
            // Two starts raced past the idempotency lookup; the loser finds the winner's job by the key.
            throw new ConcurrencyException(
                $"Organisation {prepared.Job.OrganizationId} already has a job with idempotency key '{prepared.Job.IdempotencyKey}'.",
                exception);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint &&
                                                 exception.Message.Contains("jobs.id", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Job {prepared.Job.Id} already exists.", exception);
        }

        InsertEvents(connection, prepared.Id, prepared.Events);
        return true;
    }

    public static bool Commit(CachedConnection connection, PreparedCommit prepared)
    {
        var commit = prepared.Commit;
        var lastSequence = prepared.Events.Length == 0 ? commit.ExpectedSequence : prepared.Events[^1].Event.Sequence;

        var advance = connection.Statement(JobSql.AdvanceJob)
            .Set("$id", prepared.JobId)
            .Set("$expected", commit.ExpectedSequence)
            .Set("$last_sequence", lastSequence)
            .Set("$state", commit.State is { } state ? (int)state : null)
            .Set("$started_at", UnixTime.ToMilliseconds(commit.StartedAt))
            .Set("$finished_at", UnixTime.ToMilliseconds(commit.FinishedAt))
            .Set("$result", prepared.Result)
            .Set("$error", commit.Error)
            .Set("$lease_owner", commit.LeaseOwner);
        if (advance.ExecuteNonQuery() == 0)
        {
            using var reader = connection.Command(JobSql.SelectLastSequence).Set("$id", prepared.JobId).ExecuteReader();
            if (!reader.Read())
            {
                throw new KeyNotFoundException($"Job {commit.JobId} does not exist.");
            }
            var stored = reader.GetInt64(0);
            throw stored != commit.ExpectedSequence
                ? new ConcurrencyException($"Job {commit.JobId} is at sequence {stored}, but the commit expected {commit.ExpectedSequence}.")
                : new ConcurrencyException($"Job {commit.JobId} is leased to {reader.GetNullableString(1) ?? "no node"}, not to {commit.LeaseOwner}.");
        }

        InsertEvents(connection, prepared.JobId, prepared.Events);

        foreach (var (blockId, output) in prepared.Outputs)
        {
            connection.Statement(JobSql.UpsertOutput)
                .Set("$job_id", prepared.JobId)
                .Set("$block_id", blockId)
                .Set("$output", output)
                .ExecuteNonQuery();
        }

        if (commit.Posts.Count > 0)
        {
            var index = connection.Statement(JobSql.LastPostIndex).Set("$job_id", prepared.JobId).ExecuteScalarInt64();
            foreach (var post in commit.Posts)
            {
                connection.Statement(JobSql.InsertPost)
                    .Set("$job_id", prepared.JobId)
                    .Set("$idx", ++index)
                    .Set("$id", post.Id)
                    .Set("$block_id", post.BlockId)
                    .Set("$role", post.Role)
                    .Set("$content", post.Content)
                    .Set("$time", UnixTime.ToMilliseconds(post.Time))
                    .ExecuteNonQuery();
            }
        }

        foreach (var message in commit.Outbox)
        {
            OutboxRows.Insert(connection, message);
        }
        return true;
    }

    private static void InsertEvents(CachedConnection connection, string jobId, PreparedEvent[] events)
    {
        foreach (var e in events)
        {
            var insert = connection.Statement(JobSql.InsertEvent);
            JobRows.BindEvent(insert, jobId, e);
            insert.ExecuteNonQuery();
        }
    }
}
