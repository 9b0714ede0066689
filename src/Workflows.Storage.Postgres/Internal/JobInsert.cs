using Npgsql;
using Workflows.Engine.Jobs;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// A new job and its first events as ready-bound commands, built on the caller's thread from the shared
/// <see cref="PreparedJob"/> (JSON included) so the writer
/// only sends copies of them (a copy per attempt: the writer may run a group again on a new connection).
/// </summary>
internal sealed class JobInsert
{
    private JobInsert(JobRecord job, NpgsqlBatchCommand? releaseKey, NpgsqlBatchCommand insert, int runningLimit)
    {
        Job = job;
        RunningLimit = runningLimit;
        ReleaseKey = releaseKey;
        Insert = insert;
    }

    public JobRecord Job { get; }

    /// <summary>The running-job limit the insert checks (0: none, and for jobs it does not apply to: unleased, children).</summary>
    public int RunningLimit { get; }

    /// <summary>The organisation whose limit lock the writer takes before the group's first write, or null.</summary>
    public string? LimitedOrganization => RunningLimit > 0 ? Job.OrganizationId : null;

    /// <summary>Frees the job's idempotency key from an expired holder, or null when the job has no key.</summary>
    public NpgsqlBatchCommand? ReleaseKey { get; }

    public NpgsqlBatchCommand Insert { get; }

    /// <summary>
    /// The insert of <paramref name="job"/>; <paramref name="runningLimit"/> is its organisation's running-job limit (0:
    /// none). Under the database clock the job's lease (<see cref="JobRecord.LeaseExpiresAt"/> less its creation time)
    /// counts from the database's time.
    /// </summary>
    public static JobInsert From(JobRecord job, IReadOnlyList<JobEvent> events, int runningLimit = 0, bool databaseClock = false)
    {
        var limited = runningLimit > 0 && job.LeaseOwner is not null && job.ParentJobId is null ? runningLimit : 0;
        var prepared = PreparedJob.From(job, events);
        NpgsqlBatchCommand? releaseKey = null;
        if (job.IdempotencyKey is { } key)
        {
            releaseKey = new NpgsqlBatchCommand(PostgresColumns.Sql.ReleaseExpiredIdempotencyKey);
            releaseKey.Parameters.Text("org", job.OrganizationId).Text("key", key).Time("now", job.CreatedAt);
        }

        var insert = new NpgsqlBatchCommand(JobSql.InsertJob);
        insert.Parameters
            .Uuid("id", job.Id)
            .Text("org", job.OrganizationId)
            .Text("app_id", job.AppId)
            .Text("workflow", job.Workflow)
            .Text("workflow_title", job.WorkflowTitle)
            .Int("state", (int)job.State)
            .Text("variables", prepared.Variables)
            .Time("created_at", job.CreatedAt)
            .Time("started_at", job.StartedAt)
            .Time("finished_at", job.FinishedAt)
            .Text("result", prepared.Result)
            .Text("error", job.Error)
            .BigInt("last_sequence", job.LastSequence)
            .Text("created_by", job.CreatedBy)
            .Text("callback_url", job.CallbackUrl)
            .Text("progress_url", job.ProgressUrl)
            .Text("idempotency_key", job.IdempotencyKey)
            .Text("dialect", job.Dialect)
            .Uuid("parent_job_id", job.ParentJobId)
            .Text("idempotency_fingerprint", job.IdempotencyFingerprint)
            .Time("idempotency_expires_at", job.IdempotencyExpiresAt)
            .Text("lease_owner", job.LeaseOwner)
            .Time("lease_expires_at", job.LeaseExpiresAt)
            .Time("lease_now", databaseClock ? null : job.CreatedAt)
            .Interval("lease_for", databaseClock && job.LeaseExpiresAt is { } expires ? expires - job.CreatedAt : null)
            .Int("running_limit", limited)
            .Text("schedule_id", job.ScheduleId)
            .Time("scheduled_time", job.ScheduledTime)
            .Text("budget", job.Budget?.ToJson())
            .Uuid("rerun_of", job.RerunOf)
            .Text("definition_hash", job.DefinitionHash)
            .Text("creator", job.Creator)
            .Text("notification", JobNotifications.Format(job.Id, job.LastSequence));
        EventColumns.Bind(insert.Parameters, prepared.Events);
        return new JobInsert(job, releaseKey, insert, limited);
    }
}
