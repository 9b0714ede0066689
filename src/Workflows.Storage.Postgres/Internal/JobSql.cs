namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The PostgreSQL-only SQL over jobs, job_events, block_outputs, posts and nodes (the rest is <see cref="PostgresColumns.Sql"/>).
/// Npgsql prepares the hot ones automatically.
/// </summary>
internal static class JobSql
{
    private const string JobColumns = StoreSql.JobColumns;

    // One row per event: the unnest insert is one statement already (EventBatch's "more" stays NULL).
    private const string EventColumns = StoreSql.EventColumns;

    /// <summary>
    /// The job, its first events and the wake-up for other nodes, in one statement. The events' foreign key is checked at
    /// the end of the statement, when the job row exists. Notifications are sent at COMMIT, so nobody is woken for a job
    /// that was rolled back.
    /// </summary>
    /// <remarks>
    /// A job that takes a lease counts against its organisation's running-job limit (<c>@running_limit</c>, 0 for none):
    /// over it, nothing is inserted and the statement returns no row. The writer holds the organisation's limit lock
    /// (<see cref="LockOrganizations"/>) from the start of the transaction, so the count is exact across nodes. Child jobs
    /// count but are never refused. Under the database clock (<c>@lease_now</c> null) the lease runs for
    /// <c>@lease_for</c> from the database's time, not the node's.
    /// </remarks>
    public const string InsertJob =
        "WITH job AS (" +
        "INSERT INTO jobs (" + StoreSql.InsertJobColumns + ") SELECT @id, @org, @app_id, @workflow, @workflow_title, @state, @variables, " +
        "@created_at, @started_at, @finished_at, @result, @error, @last_sequence, @created_by, @callback_url, @progress_url, " +
        "@idempotency_key, @dialect, @parent_job_id, @idempotency_fingerprint, @idempotency_expires_at, @lease_owner, " +
        "COALESCE(" + LeaseNow + " + @lease_for, @lease_expires_at), @schedule_id, " +
        "@scheduled_time, @budget, @rerun_of, @definition_hash, @creator " +
        "WHERE @running_limit <= 0 OR @parent_job_id IS NOT NULL OR @lease_owner IS NULL OR " +
        "(SELECT count(*) FROM jobs r WHERE r.org = @org AND r.state IN (1, 2) AND r.lease_expires_at > " + LeaseNow + ") < @running_limit " +
        "RETURNING id), " +
        "events AS (" + InsertEvents + " FROM job, " + UnnestEvents + ") " +
        "SELECT pg_notify('" + JobNotifications.Channel + "', @notification) FROM job";

    /// <summary>The last sequence of each existing job of <c>ids</c> (one index probe each).</summary>
    public const string SelectLastSequences = "SELECT id, last_sequence FROM jobs WHERE id = ANY(@ids)";
    /// <summary>Jobs in one state (a waiting count reads the jobs_due index alone).</summary>
    public const string CountByState = "SELECT count(*) FROM jobs WHERE state = @state";

    /// <summary>
    /// One commit in one statement: the job advances only when nobody else did (sequence, state not finished and, for the
    /// runner, lease), and everything else joins the advanced row, so on a refusal nothing is written. The answer row
    /// tells what happened; the stored sequence, owner and state are as they were before the statement, for the error.
    /// </summary>
    public const string Commit =
        "WITH advanced AS (" +
        "UPDATE jobs SET last_sequence = @last_sequence, state = COALESCE(@state, state), " +
        "started_at = COALESCE(@started_at, started_at), finished_at = COALESCE(@finished_at, finished_at), " +
        "result = COALESCE(@result, result), error = COALESCE(@error, error), " +
        "run_time_ms = COALESCE(@run_time_ms, run_time_ms), trace_parent = COALESCE(@trace_parent, trace_parent), " +
        "wake_at = CASE WHEN @wait AND cancel_requested IS NOT NULL THEN created_at WHEN @wait THEN @wake_at WHEN @state IS NOT NULL THEN NULL ELSE wake_at END, " +
        "wait_signals = CASE WHEN @wait THEN @wait_signals WHEN @state IS NOT NULL THEN NULL ELSE wait_signals END, " +
        "lease_owner = CASE WHEN @wait THEN NULL ELSE lease_owner END, " +
        "lease_expires_at = CASE WHEN @wait THEN NULL ELSE lease_expires_at END " +
        "WHERE id = @id AND last_sequence = @expected AND state NOT IN (3, 4, 5) " +
        "AND (@lease_owner IS NULL OR lease_owner = @lease_owner) RETURNING id), " +
        "events AS (" + InsertEvents + " FROM advanced job, " + UnnestEvents + "), " +
        "outputs AS (INSERT INTO block_outputs (job_id, block_id, output) " +
        "SELECT a.id, o.block_id, o.output FROM advanced a, unnest(@o_block_id, @o_output) AS o (block_id, output) " +
        "ON CONFLICT (job_id, block_id) DO UPDATE SET output = excluded.output), " +
        "new_posts AS (INSERT INTO posts (job_id, idx, id, block_id, role, content, time) " +
        "SELECT a.id, base.idx + p.ord, p.id, p.block_id, p.role, p.content, p.time " +
        "FROM advanced a, (SELECT COALESCE(MAX(idx), 0) AS idx FROM posts WHERE job_id = @id) base, " +
        "unnest(@p_id, @p_block_id, @p_role, @p_content, @p_time) WITH ORDINALITY AS p (id, block_id, role, content, time, ord)), " +
        "messages AS (INSERT INTO outbox (delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, status, last_error) " +
        "SELECT m.delivery_id, a.id, m.org, m.kind, m.url, m.payload, m.attempts, m.next_attempt_at, m.created_at, 'pending', m.last_error " +
        "FROM advanced a, unnest(@m_delivery_id, @m_org, @m_kind, @m_url, @m_payload, @m_attempts, @m_next_attempt_at, @m_created_at, @m_last_error) " +
        "WITH ORDINALITY AS m (delivery_id, org, kind, url, payload, attempts, next_attempt_at, created_at, last_error, ord) " +
        "ORDER BY m.ord), " +
        "notified AS (SELECT 1 FROM advanced, pg_notify('" + JobNotifications.Channel + "', @notification)) " +
        "SELECT EXISTS (SELECT 1 FROM advanced), (SELECT count(*) FROM notified), " +
        "j.last_sequence, j.lease_owner, j.state FROM (SELECT 1) one LEFT JOIN jobs j ON j.id = @id";

    // Shared by InsertJob and Commit: the events come as one array per column, joined to the job row named "job".
    private const string InsertEvents =
        "INSERT INTO job_events (" + EventColumns + ") " +
        "SELECT job.id, e.seq, e.type, e.time, e.block_id, e.block_type, e.text, e.duration_ticks, e.output, e.error, e.data";

    private const string UnnestEvents =
        "unnest(@e_seq, @e_type, @e_time, @e_block_id, @e_block_type, @e_text, @e_duration_ticks, @e_output, @e_error, @e_data) " +
        "AS e (seq, type, time, block_id, block_type, text, duration_ticks, output, error, data)";

    /// <summary>The advisory-lock space of the running-job limit (ASCII "WFLM"): an organisation's lock is (this, its bucket).</summary>
    public const int LimitLockSpace = 0x57464C4D;

    /// <summary>An organisation's limit lock bucket: 64 of them, so a transaction holds few locks however many organisations.</summary>
    private const string Bucket = "(hashtext(org) & 63)";

    /// <summary>The time leases are measured by: the caller's <c>@lease_now</c>, or when null the database's statement time.</summary>
    private const string LeaseNow = "COALESCE(@lease_now, statement_timestamp())";

    /// <summary>
    /// Takes the limit locks of the organisations in <c>@orgs</c>, in bucket order, at the start of a writer transaction
    /// that creates leased jobs of theirs: two nodes' transactions then count the organisation's running jobs one after
    /// the other, and the fixed order means they cannot deadlock.
    /// </summary>
    public const string LockOrganizations =
        "SELECT count(pg_advisory_xact_lock(1464224845, b)) FROM " +
        "(SELECT DISTINCT hashtext(o) & 63 AS b FROM unnest(@orgs) AS o ORDER BY b) AS buckets";

    private const string Claimable = "state IN (1, 2) AND (lease_owner IS NULL OR lease_expires_at <= " + LeaseNow + ")";

    private const string ClaimableDue = "state = 6 AND wake_at <= @now AND (lease_owner IS NULL OR lease_expires_at <= " + LeaseNow + ")";

    // Jobs a claim never holds back: children (never refused) and jobs with a cancel request (they only end).
    private const string Unlimited = "(parent_job_id IS NOT NULL OR cancel_requested IS NOT NULL)";

    /// <summary>
    /// Unfinished jobs nobody holds (no lease or an expired one), oldest first, leased to the claimer. SKIP LOCKED lets
    /// nodes claiming at once each take different rows instead of waiting for (and then re-checking) each other's.
    /// </summary>
    public const string ClaimJobs =
        "WITH claimable AS (" +
        "SELECT id FROM jobs WHERE " + Claimable + " " +
        "ORDER BY created_at, id LIMIT @limit FOR UPDATE SKIP LOCKED), " +
        "claimed AS (UPDATE jobs SET lease_owner = @owner, lease_expires_at = " + LeaseNow + " + @lease FROM claimable " +
        "WHERE jobs.id = claimable.id RETURNING jobs.*) " +
        "SELECT " + JobColumns + " FROM claimed ORDER BY created_at, id";

    /// <summary>
    /// Takes, without waiting, the limit locks of the organisations with abandoned jobs to claim, and returns the buckets it
    /// got: a claim leaves the jobs of organisations whose lock another node holds for its next pass instead of waiting.
    /// </summary>
    public const string TryLockClaimable = TryLockPrefix + Claimable + TryLockSuffix;

    /// <summary>As <see cref="TryLockClaimable"/>, for due waiting jobs.</summary>
    public const string TryLockDue = TryLockPrefix + ClaimableDue + TryLockSuffix;

    private const string TryLockPrefix = "SELECT COALESCE(array_agg(b), '{}') FROM (SELECT DISTINCT " + Bucket + " AS b FROM jobs WHERE ";

    private const string TryLockSuffix = " AND NOT " + Unlimited + ") AS buckets WHERE pg_try_advisory_xact_lock(1464224845, b)";

    /// <summary>
    /// <see cref="ClaimJobs"/> under the running-job limit <c>@per_org</c>: of each organisation whose lock bucket is in
    /// <c>@buckets</c> (held by this transaction), at most as many jobs as it has free places (the limit less its jobs
    /// holding a live lease), oldest first; jobs of other organisations wait for a later claim. Children and jobs with a
    /// cancel request are always claimed.
    /// </summary>
    public const string ClaimJobsLimited =
        "WITH " + LimitedChoice + ", " +
        "locked AS (SELECT id FROM jobs WHERE id IN (SELECT id FROM chosen) AND " + Claimable + " FOR UPDATE SKIP LOCKED), " +
        "claimed AS (UPDATE jobs SET lease_owner = @owner, lease_expires_at = " + LeaseNow + " + @lease FROM locked " +
        "WHERE jobs.id = locked.id RETURNING jobs.*) " +
        "SELECT " + JobColumns + " FROM claimed ORDER BY created_at, id";

    // candidates, running and chosen for the claim of abandoned jobs ("chosen" holds the ids to lease).
    private const string LimitedChoice =
        "candidates AS (SELECT id, org, created_at AS o1, NOT " + Unlimited + " AS limited FROM jobs WHERE " + Claimable + " " +
        "AND (" + Unlimited + " OR " + Bucket + " = ANY(@buckets)) ORDER BY created_at, id LIMIT @scan), " + LimitedRest;

    // As LimitedChoice, for due waiting jobs (earliest due first).
    private const string LimitedDueChoice =
        "candidates AS (SELECT id, org, wake_at AS o1, NOT " + Unlimited + " AS limited FROM jobs WHERE " + ClaimableDue + " " +
        "AND (" + Unlimited + " OR " + Bucket + " = ANY(@buckets)) ORDER BY wake_at, id LIMIT @scan), " + LimitedRest;

    private const string LimitedRest =
        "running AS (SELECT r.org, count(*) AS n FROM jobs r WHERE r.org IN (SELECT org FROM candidates WHERE limited) " +
        "AND r.state IN (1, 2) AND r.lease_expires_at > " + LeaseNow + " GROUP BY r.org), " +
        "ranked AS (SELECT c.id, c.o1, c.limited, " +
        "row_number() OVER (PARTITION BY c.org, c.limited ORDER BY c.o1, c.id) + COALESCE(r.n, 0) AS place " +
        "FROM candidates c LEFT JOIN running r ON r.org = c.org), " +
        "chosen AS (SELECT id FROM ranked WHERE NOT limited OR place <= @per_org ORDER BY o1, id LIMIT @limit)";

    public const string RenewLeases =
        "UPDATE jobs SET lease_expires_at = " + LeaseNow + " + @lease WHERE id = ANY(@ids) AND lease_owner = @owner AND state IN (1, 2, 6) RETURNING id";

    /// <summary>
    /// Run after a commit that starts a wait, as its own statement so it sees signals committed while the commit waited
    /// for the job's row lock (a signal sender locks the row too): a job waiting for a stored signal is due at once.
    /// </summary>
    public const string DueOnStoredSignal =
        "UPDATE jobs SET wake_at = @since WHERE id = @id AND state = 6 AND EXISTS (SELECT 1 FROM job_signals s " +
        "WHERE s.job_id = @id AND NOT s.consumed AND s.name = ANY(@names))";

    public const string ConsumeSignals = "UPDATE job_signals SET consumed = true WHERE job_id = @id AND id = ANY(@signal_ids)";

    /// <summary>
    /// Waiting jobs that are due and that nobody holds, earliest first, leased to the claimer. A cancel request makes a
    /// waiting job due (<see cref="RequestCancel"/>), so this stays one range of the jobs_due index. Each job without a
    /// cancel request is resumed by the same statement (running, wait cleared, a job_resumed event at @now).
    /// </summary>
    public const string ClaimDue =
        "WITH due AS (" +
        "SELECT id FROM jobs WHERE " + ClaimableDue + " " +
        "ORDER BY wake_at, id LIMIT @limit FOR UPDATE SKIP LOCKED), " + ResumeDue;

    /// <summary><see cref="ClaimDue"/> under the running-job limit, as <see cref="ClaimJobsLimited"/> is for abandoned jobs.</summary>
    public const string ClaimDueLimited =
        "WITH " + LimitedDueChoice + ", " +
        "due AS (SELECT id FROM jobs WHERE id IN (SELECT id FROM chosen) AND " + ClaimableDue + " FOR UPDATE SKIP LOCKED), " + ResumeDue;

    private const string ResumeDue =
        "claimed AS (UPDATE jobs SET lease_owner = @owner, lease_expires_at = " + LeaseNow + " + @lease, " +
        "state = CASE WHEN jobs.cancel_requested IS NULL THEN 2 ELSE jobs.state END, " +
        "last_sequence = CASE WHEN jobs.cancel_requested IS NULL THEN jobs.last_sequence + 1 ELSE jobs.last_sequence END, " +
        "wake_at = CASE WHEN jobs.cancel_requested IS NULL THEN NULL ELSE jobs.wake_at END, " +
        "wait_signals = CASE WHEN jobs.cancel_requested IS NULL THEN NULL ELSE jobs.wait_signals END " +
        "FROM due WHERE jobs.id = due.id RETURNING jobs.*), " +
        // The job_resumed event of each job the claim resumed, and the notification every job write sends.
        "resumed AS (INSERT INTO job_events (job_id, seq, type, time) " +
        "SELECT id, last_sequence, 'job_resumed', @now FROM claimed WHERE state = 2 " +
        "RETURNING pg_notify('" + JobNotifications.Channel + "', replace(job_id::text, '-', '') || ':' || seq)) " +
        "SELECT " + JobColumns + " FROM claimed WHERE (SELECT count(*) FROM resumed) >= 0 ORDER BY id";

    public const string RequestCancel =
        "WITH requested AS (UPDATE jobs SET cancel_requested = COALESCE(cancel_requested, @reason), " +
        "wake_at = CASE WHEN state = 6 THEN created_at ELSE wake_at END " +
        "WHERE id = @id AND state IN (1, 2, 6) RETURNING id, pg_notify('" + JobNotifications.Channel + "', @notification)) " +
        "SELECT count(*) FROM requested";

    public const string SelectCancelRequests =
        "SELECT id, cancel_requested FROM jobs WHERE lease_owner = @owner AND cancel_requested IS NOT NULL AND state IN (1, 2, 6)";

    /// <summary>Locks the job's row, so a signal and a commit that starts a wait for it go one after the other.</summary>
    public const string LockJob = "SELECT " + JobColumns + " FROM jobs WHERE id = @id FOR UPDATE";

    public const string SelectSignalByKey =
        "SELECT " + StoreSql.SignalColumns + " FROM job_signals WHERE job_id = @id AND idempotency_key = @key";

    public const string InsertSignal =
        "INSERT INTO job_signals (job_id, name, payload, idempotency_key, created_at) " +
        "VALUES (@id, @name, @payload, @key, @created_at) RETURNING " + StoreSql.SignalColumns;

    /// <summary>A signal the waiting job waits for makes it due (unless it is due earlier already), and wakes the other nodes.</summary>
    public const string DueOnSignal =
        "WITH due AS (UPDATE jobs SET wake_at = @now WHERE id = @id AND state = 6 AND (wake_at IS NULL OR wake_at > @now) " +
        "AND EXISTS (SELECT 1 FROM json_array_elements_text(wait_signals::json) AS w (name) WHERE w.name = @name) RETURNING id) " +
        "SELECT count(*) FROM due, pg_notify('" + JobNotifications.Channel + "', @notification)";

    public const string SelectPendingSignal =
        "SELECT " + StoreSql.SignalColumns + " FROM job_signals WHERE job_id = @id AND name = @name AND NOT consumed " +
        "ORDER BY id LIMIT 1";

    public const string ReleaseLeases =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ANY(@ids) AND lease_owner = @owner";

    /// <summary>
    /// Upserts the node and counts the live ones. The count reads the table as it was before the statement, so the node
    /// itself is added by hand; nodes gone for a day are forgotten, so the table stays as small as the cluster.
    /// </summary>
    public const string Heartbeat =
        "WITH t AS (SELECT " + LeaseNow + " AS now), " +
        "upsert AS (INSERT INTO nodes (node_id, alive_until) SELECT @id, t.now + @ttl FROM t " +
        "ON CONFLICT (node_id) DO UPDATE SET alive_until = excluded.alive_until), " +
        "forgotten AS (DELETE FROM nodes WHERE alive_until <= (SELECT now - interval '1 day' FROM t) AND node_id <> @id) " +
        "SELECT count(*) FROM nodes, t WHERE alive_until > t.now AND node_id <> @id";

    /// <summary>
    /// Deletes a batch of finished jobs, oldest first; their events, outputs, posts and outbox messages go with them
    /// (ON DELETE CASCADE). Terminal states only (3 succeeded, 4 failed, 5 cancelled): a job with finished_at that is still
    /// queued or running is never deleted under a runner. Rows another transaction holds are left for the next batch.
    /// </summary>
    public const string Prune =
        "WITH doomed AS (" +
        "SELECT id, finished_at FROM jobs WHERE finished_at IS NOT NULL AND finished_at < @before AND state IN (3, 4, 5) " +
        "ORDER BY finished_at, id LIMIT @limit FOR UPDATE SKIP LOCKED), " +
        "deleted AS (DELETE FROM jobs WHERE id IN (SELECT id FROM doomed) RETURNING id) " +
        "SELECT d.id FROM doomed d JOIN deleted USING (id) ORDER BY d.finished_at, d.id";
}
