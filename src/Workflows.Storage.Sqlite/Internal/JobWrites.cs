using Microsoft.Data.Sqlite;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Job writes, run by the single writer inside its transaction.</summary>
internal static class JobWrites
{
    private const int SqliteConstraint = 19;

    /// <summary>Inserts a job and <paramref name="events"/>, the row of its first events (and its first commit's).</summary>
    public static bool CreateJob(CachedConnection connection, PreparedJob prepared, EventRow? events)
    {
        var id = JobIds.ToText(prepared.Job.Id);
        if (prepared.Job.IdempotencyKey is { } key)
        {
            // An expired key moves to the new job; the writer's savepoint undoes this if the insert below fails.
            connection.Statement(SqliteColumns.Sql.ReleaseExpiredIdempotencyKey)
                .Set("$org", prepared.Job.OrganizationId)
                .Set("$key", key)
                .Set("$now", UnixTime.ToMilliseconds(prepared.Job.CreatedAt))
                .ExecuteNonQuery();
        }

        var insert = connection.Statement(JobSql.InsertJob);
        JobRows.BindJob(insert, id, prepared);
        try
        {
            insert.ExecuteNonQuery();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint &&
                                                 exception.Message.Contains("idempotency_key", StringComparison.Ordinal))
        {
            throw StoreErrors.DuplicateIdempotencyKey(prepared.Job, exception);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint &&
                                                 exception.Message.Contains("jobs.id", StringComparison.Ordinal))
        {
            throw StoreErrors.DuplicateJob(prepared.Job, exception);
        }

        InsertEvents(connection, id, events);
        return true;
    }

    /// <summary>Applies a commit; <paramref name="events"/> is the row of its events, null when none or written with its job.</summary>
    public static bool Commit(CachedConnection connection, PreparedCommit prepared, EventRow? events)
    {
        var commit = prepared.Commit;
        var jobId = JobIds.ToText(commit.JobId);

        var advance = connection.Statement(JobSql.AdvanceJob)
            .Set("$id", jobId)
            .Set("$expected", commit.ExpectedSequence)
            .Set("$last_sequence", prepared.LastSequence)
            .Set("$state", commit.State is { } state ? (int)state : null)
            .Set("$started_at", UnixTime.ToMilliseconds(commit.StartedAt))
            .Set("$finished_at", UnixTime.ToMilliseconds(commit.FinishedAt))
            .Set("$result", prepared.Result)
            .Set("$error", commit.Error)
            .Set("$lease_owner", commit.LeaseOwner)
            .Set("$run_time_ms", commit.RunTime is { } runTime ? (long)runTime.TotalMilliseconds : null)
            .Set("$trace_parent", commit.TraceParent)
            .Set("$wait", commit.Wait is not null ? 1 : 0)
            .Set("$wake_at", UnixTime.ToMilliseconds(commit.Wait?.WakeAt))
            .Set("$wait_signals", commit.Wait is { } waiting ? StoredJson.WriteStrings(waiting.Signals) : null);
        if (advance.ExecuteNonQuery() == 0)
        {
            using var reader = connection.Command(JobSql.SelectLastSequence).Set("$id", jobId).ExecuteReader();
            if (!reader.Read())
            {
                throw StoreErrors.JobNotFound(commit.JobId);
            }
            throw StoreErrors.CommitRejected(commit, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), (JobState)reader.GetInt32(2));
        }

        return Apply(connection, jobId, prepared, events);
    }

    /// <summary>
    /// Writes what a commit adds besides the job row's fields (events, signals, outputs, posts, outbox): the whole of a
    /// job's first commit when its row was inserted with that commit's fields already (<see cref="FoldsIntoInsert"/>).
    /// </summary>
    public static bool Apply(CachedConnection connection, string jobId, PreparedCommit prepared, EventRow? events)
    {
        var commit = prepared.Commit;
        InsertEvents(connection, jobId, events);

        if (commit.Wait is { Signals.Count: > 0 } wait)
        {
            connection.Statement(JobSql.DueOnStoredSignal)
                .Set("$id", jobId)
                .Set("$since", UnixTime.ToMilliseconds(wait.Since))
                .Set("$names", StoredJson.WriteStrings(wait.Signals))
                .ExecuteNonQuery();
        }

        foreach (var signalId in commit.ConsumeSignals)
        {
            connection.Statement(JobSql.ConsumeSignal).Set("$job_id", jobId).Set("$id", signalId).ExecuteNonQuery();
        }

        foreach (var (blockId, output) in prepared.Outputs)
        {
            connection.Statement(JobSql.UpsertOutput)
                .Set("$job_id", jobId)
                .Set("$block_id", blockId)
                .Set("$output", output)
                .ExecuteNonQuery();
        }

        if (commit.Posts.Count > 0)
        {
            var index = connection.Statement(JobSql.LastPostIndex).Set("$job_id", jobId).ExecuteScalarInt64();
            foreach (var post in commit.Posts)
            {
                connection.Statement(JobSql.InsertPost)
                    .Set("$job_id", jobId)
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

    /// <summary>
    /// Whether a job's first commit can be written by inserting the job with the commit's fields instead of inserting it
    /// and then running <see cref="JobSql.AdvanceJob"/> on the row just written: yes unless the commit suspends the job
    /// (its wait and run time live in columns the insert does not set) or is fenced to another lease than the job's (then
    /// the update refuses it, and the job with it).
    /// </summary>
    public static bool FoldsIntoInsert(JobCommit commit, JobRecord job) =>
        commit.Wait is null && commit.RunTime is null && (commit.LeaseOwner is null || commit.LeaseOwner == job.LeaseOwner);

    /// <summary>The job's row as <paramref name="first"/> leaves it, for an insert (see <see cref="FoldsIntoInsert"/>).</summary>
    public static PreparedJob Folded(PreparedJob job, PreparedCommit first)
    {
        var commit = first.Commit;
        return job with
        {
            Job = job.Job with
            {
                LastSequence = first.LastSequence,
                State = commit.State ?? job.Job.State,
                StartedAt = commit.StartedAt ?? job.Job.StartedAt,
                FinishedAt = commit.FinishedAt ?? job.Job.FinishedAt,
                Error = commit.Error ?? job.Job.Error,
                TraceParent = commit.TraceParent ?? job.Job.TraceParent,
            },
            Result = first.Result ?? job.Result,
        };
    }

    /// <summary>The job_resumed event of a due job its claim resumed (no block, no data).</summary>
    public static void InsertResumed(CachedConnection connection, string jobId, long sequence, long time)
    {
        var insert = connection.Statement(JobSql.InsertEvent);
        JobRows.BindEvent(insert, jobId, new PreparedEvent(
            new JobEvent(JobIds.Parse(jobId), sequence, JobEventTypes.JobResumed, UnixTime.FromMilliseconds(time)), null, null), null);
        insert.ExecuteNonQuery();
    }

    private static void InsertEvents(CachedConnection connection, string jobId, EventRow? events)
    {
        if (events is null)
        {
            return;
        }
        var insert = connection.Statement(JobSql.InsertEvent);
        JobRows.BindEvent(insert, jobId, events.First, events.Later);
        insert.ExecuteNonQuery();
    }
}
