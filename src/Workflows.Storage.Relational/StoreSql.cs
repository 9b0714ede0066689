namespace Workflows.Storage.Relational;

/// <summary>
/// The statements every SQL store runs in the same words, written in one store's <see cref="SqlDialect"/>. Built once
/// per store; the column lists are in the order <see cref="RowMapper{TColumns}"/> reads them.
/// </summary>
public sealed class StoreSql
{
    /// <summary>The jobs columns a new job is inserted with (the others start empty).</summary>
    public const string InsertJobColumns = FirstJobColumns + ", creator";

    /// <summary>The jobs columns, in the order <see cref="RowMapper{TColumns}.ReadJob"/> reads them.</summary>
    public const string JobColumns = FirstJobColumns + ", wake_at, wait_signals, run_time_ms, cancel_requested, trace_parent, creator";

    // The columns both lists start with; columns added later go at the end of both, so no ordinal moves.
    private const string FirstJobColumns =
        "id, org, app_id, workflow, workflow_title, state, variables, created_at, started_at, finished_at, result, error, " +
        "last_sequence, created_by, callback_url, progress_url, idempotency_key, dialect, parent_job_id, " +
        "idempotency_fingerprint, idempotency_expires_at, lease_owner, lease_expires_at, schedule_id, scheduled_time, budget, rerun_of, definition_hash";

    /// <summary>The job_signals columns, in the order <see cref="RowMapper{TColumns}.ReadSignal"/> reads them.</summary>
    public const string SignalColumns = "id, job_id, name, payload, idempotency_key, created_at, consumed";

    /// <summary>The job_events columns of one event, in the order <see cref="RowMapper{TColumns}.ReadEvent"/> reads them.</summary>
    public const string EventColumns = "job_id, seq, type, time, block_id, block_type, text, duration_ticks, output, error, data";

    /// <summary>
    /// The job_events columns of a row, in the order <see cref="RowMapper{TColumns}.ReadEvents"/> reads them: one event and
    /// the later events of its commit (<see cref="EventBatch"/>).
    /// </summary>
    public const string EventRowColumns = EventColumns + ", more";

    /// <summary>The posts columns, in the order <see cref="RowMapper{TColumns}.ReadPost"/> reads them.</summary>
    public const string PostColumns = "id, block_id, role, content, time";

    /// <summary>The apps columns, in the order <see cref="RowMapper{TColumns}.ReadApp"/> reads them.</summary>
    public const string AppColumns = "org, id, name, slug, description, workflows, updated_at";

    /// <summary>The outbox columns, in the order <see cref="RowMapper{TColumns}.ReadOutboxMessage"/> reads them.</summary>
    public const string OutboxColumns =
        "id, delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, last_error, status, last_attempt_at";

    /// <summary>
    /// The schedules columns, in the order <see cref="RowMapper{TColumns}.ReadSchedule"/> reads them (which reads the
    /// newest recorded tick after them).
    /// </summary>
    public const string ScheduleColumns =
        "org, id, app_id, workflow, variables, cron, time_zone, overlap, catchup_ms, paused, source, created_by, created_at, " +
        "updated_at, ticks_from";

    /// <summary>The schedule_runs columns, in the order <see cref="RowMapper{TColumns}.ReadScheduleRun"/> reads them.</summary>
    public const string ScheduleRunColumns = "org, schedule_id, scheduled_time, outcome, job_id, error, recorded_at";

    /// <summary>Writes the statements in <paramref name="dialect"/>.</summary>
    public StoreSql(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        string P(string name) => dialect.Parameter(name);

        SelectJob = $"SELECT {JobColumns} FROM jobs WHERE id = {P("id")}";
        SelectOrganizationJob = $"SELECT {JobColumns} FROM jobs WHERE id = {P("id")} AND org = {P("org")}";
        SelectByIdempotencyKey = $"SELECT {JobColumns} FROM jobs WHERE org = {P("org")} AND idempotency_key = {P("key")}";
        ReleaseExpiredIdempotencyKey =
            "UPDATE jobs SET idempotency_key = NULL, idempotency_fingerprint = NULL, idempotency_expires_at = NULL " +
            $"WHERE org = {P("org")} AND idempotency_key = {P("key")} AND idempotency_expires_at <= {P("now")}";

        // Filters are optional through NULL parameters so one prepared statement serves every combination; the
        // (org, created_at, id) index gives the order, and the cursor is a row-value range so deep pages stay cheap.
        var filters =
            $"FROM jobs WHERE org = {P("org")} AND ({P("state")} IS NULL OR state = {P("state")}) " +
            $"AND ({P("apps")} IS NULL OR {dialect.AppIdInList}) ";
        ListFirstPage = $"SELECT {JobColumns} {filters}ORDER BY created_at DESC, id DESC LIMIT {P("limit")}";
        ListNextPage =
            $"SELECT {JobColumns} {filters}AND (created_at, id) < ({P("after_created")}, {P("after_id")}) " +
            $"ORDER BY created_at DESC, id DESC LIMIT {P("limit")}";
        ListUnfinished = $"SELECT {JobColumns} FROM jobs WHERE state IN (1, 2) ORDER BY created_at, id";

        // A row holds a commit's events from its seq on (EventBatch), so the rows wanted start at the one holding after + 1.
        SelectEvents =
            $"SELECT {EventRowColumns} FROM job_events WHERE job_id = {P("job_id")} AND seq >= COALESCE((SELECT MAX(seq) FROM job_events " +
            $"WHERE job_id = {P("job_id")} AND seq <= {P("after")} + 1), 0) ORDER BY seq LIMIT {P("limit")}";
        SelectOutputs = $"SELECT block_id, output FROM block_outputs WHERE job_id = {P("job_id")}";
        SelectPosts = $"SELECT {PostColumns} FROM posts WHERE job_id = {P("job_id")} ORDER BY idx";

        UpsertApp =
            $"INSERT INTO apps ({AppColumns}) VALUES ({P("org")}, {P("id")}, {P("name")}, {P("slug")}, {P("description")}, " +
            $"{P("workflows")}, {P("updated_at")}) " +
            "ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, slug = excluded.slug, " +
            "description = excluded.description, workflows = excluded.workflows, updated_at = excluded.updated_at";
        DeleteApp = $"DELETE FROM apps WHERE org = {P("org")} AND id = {P("id")}";
        SelectApp = $"SELECT {AppColumns} FROM apps WHERE org = {P("org")} AND id = {P("id")}";
        ListApps = $"SELECT {AppColumns} FROM apps ORDER BY org, id";
        InsertDefinition =
            $"INSERT INTO definitions (hash, source, created_at) VALUES ({P("hash")}, {P("source")}, {P("created_at")}) " +
            "ON CONFLICT (hash) DO NOTHING";
        SelectDefinition = $"SELECT source FROM definitions WHERE hash = {P("hash")}";

        const string LastTick = "(SELECT MAX(r.scheduled_time) FROM schedule_runs r WHERE r.org = s.org AND r.schedule_id = s.id)";
        UpsertSchedule =
            $"INSERT INTO schedules ({ScheduleColumns}) VALUES ({P("org")}, {P("id")}, {P("app_id")}, {P("workflow")}, {P("variables")}, " +
            $"{P("cron")}, {P("time_zone")}, {P("overlap")}, {P("catchup_ms")}, {P("paused")}, {P("source")}, {P("created_by")}, " +
            $"{P("created_at")}, {P("updated_at")}, {P("ticks_from")}) " +
            "ON CONFLICT (org, id) DO UPDATE SET app_id = excluded.app_id, workflow = excluded.workflow, variables = excluded.variables, " +
            "cron = excluded.cron, time_zone = excluded.time_zone, overlap = excluded.overlap, catchup_ms = excluded.catchup_ms, " +
            "paused = excluded.paused, source = excluded.source, updated_at = excluded.updated_at, ticks_from = excluded.ticks_from";
        SelectSchedule = $"SELECT {ScheduleColumns}, {LastTick} FROM schedules s WHERE org = {P("org")} AND id = {P("id")}";
        ListSchedules = $"SELECT {ScheduleColumns}, {LastTick} FROM schedules s WHERE {P("org")} IS NULL OR org = {P("org")} ORDER BY org, id";
        DeleteScheduleRuns = $"DELETE FROM schedule_runs WHERE org = {P("org")} AND schedule_id = {P("id")}";
        DeleteSchedule = $"DELETE FROM schedules WHERE org = {P("org")} AND id = {P("id")}";
        InsertScheduleRun =
            $"INSERT INTO schedule_runs ({ScheduleRunColumns}) VALUES ({P("org")}, {P("schedule_id")}, {P("scheduled_time")}, " +
            $"{P("outcome")}, {P("job_id")}, {P("error")}, {P("recorded_at")}) ON CONFLICT (org, schedule_id, scheduled_time) DO NOTHING";
        UpdateScheduleRun =
            $"UPDATE schedule_runs SET outcome = {P("outcome")}, job_id = {P("job_id")}, error = {P("error")} " +
            $"WHERE org = {P("org")} AND schedule_id = {P("schedule_id")} AND scheduled_time = {P("scheduled_time")}";
        PruneScheduleRuns =
            $"DELETE FROM schedule_runs WHERE org = {P("org")} AND schedule_id = {P("schedule_id")} " +
            "AND outcome NOT IN ('starting', 'buffered') AND scheduled_time < (SELECT k.scheduled_time FROM schedule_runs k " +
            $"WHERE k.org = {P("org")} AND k.schedule_id = {P("schedule_id")} ORDER BY k.scheduled_time DESC LIMIT 1 OFFSET {P("offset")})";
        ListScheduleRuns =
            $"SELECT {ScheduleRunColumns} FROM schedule_runs WHERE org = {P("org")} AND schedule_id = {P("schedule_id")} " +
            $"ORDER BY scheduled_time DESC LIMIT {P("limit")}";

        RecordDeliveryAttempt =
            $"UPDATE outbox SET attempts = attempts + 1, last_error = {P("error")}, last_attempt_at = {P("attempted_at")}, " +
            $"status = CASE WHEN {P("delivered")} THEN 'delivered' WHEN {P("retry_at")} IS NULL THEN 'failed' ELSE 'pending' END, " +
            $"next_attempt_at = CASE WHEN {P("delivered")} THEN next_attempt_at ELSE COALESCE({P("retry_at")}, next_attempt_at) END " +
            $"WHERE id = {P("id")}";
        ListDeliveries = $"SELECT {OutboxColumns} FROM outbox WHERE job_id = {P("job_id")} ORDER BY id";
    }

    /// <summary>A job by <c>id</c>.</summary>
    public string SelectJob { get; }

    /// <summary>A job by <c>id</c> within organisation <c>org</c>.</summary>
    public string SelectOrganizationJob { get; }

    /// <summary>A job by organisation <c>org</c> and idempotency <c>key</c>.</summary>
    public string SelectByIdempotencyKey { get; }

    /// <summary>Frees an expired idempotency <c>key</c> (as of <c>now</c>) for the job about to take it over.</summary>
    public string ReleaseExpiredIdempotencyKey { get; }

    /// <summary>The first page of a listing (<c>org</c>, <c>state</c>, <c>apps</c>, <c>limit</c>).</summary>
    public string ListFirstPage { get; }

    /// <summary>A later page: the first page's parameters plus <c>after_created</c> and <c>after_id</c>.</summary>
    public string ListNextPage { get; }

    /// <summary>Queued and running jobs, oldest first.</summary>
    public string ListUnfinished { get; }

    /// <summary>A job's (<c>job_id</c>) events after sequence <c>after</c>, at most <c>limit</c>.</summary>
    public string SelectEvents { get; }

    /// <summary>A job's (<c>job_id</c>) block outputs.</summary>
    public string SelectOutputs { get; }

    /// <summary>A job's (<c>job_id</c>) posts in order.</summary>
    public string SelectPosts { get; }

    /// <summary>Inserts or replaces an app.</summary>
    public string UpsertApp { get; }

    /// <summary>Deletes an app by <c>org</c> and <c>id</c>.</summary>
    public string DeleteApp { get; }

    /// <summary>An app by <c>org</c> and <c>id</c>.</summary>
    public string SelectApp { get; }

    /// <summary>Stores a workflow definition by <c>hash</c> unless that hash is stored already.</summary>
    public string InsertDefinition { get; }

    /// <summary>A workflow definition's source by <c>hash</c>.</summary>
    public string SelectDefinition { get; }

    /// <summary>Every app.</summary>
    public string ListApps { get; }

    /// <summary>Inserts or replaces a schedule (its creation time and creator stay).</summary>
    public string UpsertSchedule { get; }

    /// <summary>A schedule by <c>org</c> and <c>id</c>, with its newest recorded tick.</summary>
    public string SelectSchedule { get; }

    /// <summary>Schedules of <c>org</c> (every organisation's when null) by organisation and id, each with its newest recorded tick.</summary>
    public string ListSchedules { get; }

    /// <summary>Deletes the recorded ticks of schedule <c>id</c> of <c>org</c>.</summary>
    public string DeleteScheduleRuns { get; }

    /// <summary>Deletes schedule <c>id</c> of <c>org</c>.</summary>
    public string DeleteSchedule { get; }

    /// <summary>Records a tick unless recorded already (no row changes then).</summary>
    public string InsertScheduleRun { get; }

    /// <summary>Sets a recorded tick's <c>outcome</c>, <c>job_id</c> and <c>error</c>.</summary>
    public string UpdateScheduleRun { get; }

    /// <summary>Deletes a schedule's ticks older than its newest <c>offset</c> + 1 (none still starting or buffered).</summary>
    public string PruneScheduleRuns { get; }

    /// <summary>A schedule's newest recorded ticks, at most <c>limit</c>.</summary>
    public string ListScheduleRuns { get; }

    /// <summary>Records one delivery attempt of outbox message <c>id</c>.</summary>
    public string RecordDeliveryAttempt { get; }

    /// <summary>A job's (<c>job_id</c>) outbox messages in order.</summary>
    public string ListDeliveries { get; }
}
