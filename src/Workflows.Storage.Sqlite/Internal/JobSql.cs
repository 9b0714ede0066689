namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// The SQLite-only SQL over jobs, job_events, block_outputs, posts and nodes (the rest is <see cref="SqliteColumns.Sql"/>).
/// Each text is prepared once per connection.
/// </summary>
internal static class JobSql
{
    private const string JobColumns = StoreSql.JobColumns;

    public const string InsertJob =
        "INSERT INTO jobs (" + StoreSql.InsertJobColumns + ", trace_parent) VALUES ($id, $org, $app_id, $workflow, $workflow_title, $state, $variables, " +
        "$created_at, $started_at, $finished_at, $result, $error, $last_sequence, $created_by, $callback_url, $progress_url, " +
        "$idempotency_key, $dialect, $parent_job_id, $idempotency_fingerprint, $idempotency_expires_at, $lease_owner, $lease_expires_at, " +
        "$schedule_id, $scheduled_time, $budget, $rerun_of, $definition_hash, $creator, $trace_parent)";

    /// <summary>Jobs in one state (a waiting count reads the jobs_due index alone).</summary>
    public const string CountByState = "SELECT count(*) FROM jobs WHERE state = $state";

    /// <summary>Advances a job only when nobody else did: no row changes on a sequence mismatch. NULL means unchanged.</summary>
    public const string AdvanceJob =
        "UPDATE jobs SET last_sequence = $last_sequence, state = COALESCE($state, state), " +
        "started_at = COALESCE($started_at, started_at), finished_at = COALESCE($finished_at, finished_at), " +
        "result = COALESCE($result, result), error = COALESCE($error, error), " +
        "run_time_ms = COALESCE($run_time_ms, run_time_ms), trace_parent = COALESCE($trace_parent, trace_parent), " +
        "wake_at = CASE WHEN $wait AND cancel_requested IS NOT NULL THEN created_at WHEN $wait THEN $wake_at WHEN $state IS NOT NULL THEN NULL ELSE wake_at END, " +
        "wait_signals = CASE WHEN $wait THEN $wait_signals WHEN $state IS NOT NULL THEN NULL ELSE wait_signals END, " +
        "lease_owner = CASE WHEN $wait THEN NULL ELSE lease_owner END, " +
        "lease_expires_at = CASE WHEN $wait THEN NULL ELSE lease_expires_at END " +
        "WHERE id = $id AND last_sequence = $expected AND state NOT IN (3, 4, 5) " +
        "AND ($lease_owner IS NULL OR lease_owner = $lease_owner)";

    /// <summary>A job that starts waiting for a signal already stored is due at once.</summary>
    public const string DueOnStoredSignal =
        "UPDATE jobs SET wake_at = $since WHERE id = $id AND EXISTS (SELECT 1 FROM job_signals s WHERE s.job_id = $id " +
        "AND s.consumed = 0 AND s.name IN (SELECT value FROM json_each($names)))";

    public const string ConsumeSignal = "UPDATE job_signals SET consumed = 1 WHERE job_id = $job_id AND id = $id";

    /// <summary>
    /// Waiting jobs that are due and that nobody holds, earliest first. A cancel request makes a waiting job due
    /// (<see cref="RequestCancel"/>), so this stays one range of the jobs_due index: an OR on cancel_requested here
    /// made every poll scan all waiting jobs. Each one found is then taken with <see cref="TakeDue"/>.
    /// </summary>
    public const string SelectDue =
        "SELECT id, org, " + Limited + " FROM jobs WHERE state = 6 AND wake_at <= $now " +
        "AND (lease_owner IS NULL OR lease_expires_at <= $now) ORDER BY wake_at, id LIMIT $limit";

    // Whether a claimed job counts against the running-job limit's refusals: not children (never refused) nor jobs with a
    // cancel request (they only end).
    private const string Limited = "(parent_job_id IS NULL AND cancel_requested IS NULL)";

    /// <summary>An organisation's jobs holding a live lease (queued or running): what its running-job limit counts.</summary>
    public const string CountLeased =
        "SELECT COUNT(*) FROM jobs WHERE org = $org AND state IN (1, 2) AND lease_expires_at > $now";

    /// <summary>Stores a cancel request; a waiting job becomes due at once (its creation time is always past).</summary>
    public const string RequestCancel =
        "UPDATE jobs SET cancel_requested = COALESCE(cancel_requested, $reason), " +
        "wake_at = CASE WHEN state = 6 THEN created_at ELSE wake_at END WHERE id = $id AND state IN (1, 2, 6)";

    public const string SelectCancelRequests =
        "SELECT id, cancel_requested FROM jobs WHERE lease_owner = $owner AND cancel_requested IS NOT NULL AND state IN (1, 2, 6)";

    public const string SelectSignalByKey =
        "SELECT " + StoreSql.SignalColumns + " FROM job_signals WHERE job_id = $job_id AND idempotency_key = $key";

    public const string InsertSignal =
        "INSERT INTO job_signals (job_id, name, payload, idempotency_key, created_at) " +
        "VALUES ($job_id, $name, $payload, $key, $created_at) RETURNING " + StoreSql.SignalColumns;

    /// <summary>A signal the waiting job waits for makes it due (unless it is due earlier already).</summary>
    public const string DueOnSignal =
        "UPDATE jobs SET wake_at = $now WHERE id = $id AND state = 6 AND (wake_at IS NULL OR wake_at > $now) " +
        "AND EXISTS (SELECT 1 FROM json_each(wait_signals) WHERE value = $name)";

    public const string SelectPendingSignal =
        "SELECT " + StoreSql.SignalColumns + " FROM job_signals WHERE job_id = $job_id AND name = $name AND consumed = 0 " +
        "ORDER BY id LIMIT 1";

    public const string SelectLastSequence = "SELECT last_sequence, lease_owner, state FROM jobs WHERE id = $id";

    /// <summary>Unfinished jobs nobody holds (no lease or an expired one), oldest first.</summary>
    public const string SelectClaimable =
        "SELECT id, org, " + Limited + " FROM jobs WHERE state IN (1, 2) AND (lease_owner IS NULL OR lease_expires_at <= $now) " +
        "ORDER BY created_at, id LIMIT $limit";

    /// <summary>
    /// Takes a due waiting job and, unless a cancel request is stored, resumes it in the same statement: running, its
    /// wait cleared, its sequence advanced for the job_resumed event the caller inserts next.
    /// </summary>
    public const string TakeDue =
        "UPDATE jobs SET lease_owner = $owner, lease_expires_at = $until, " +
        "state = CASE WHEN cancel_requested IS NULL THEN 2 ELSE state END, " +
        "last_sequence = CASE WHEN cancel_requested IS NULL THEN last_sequence + 1 ELSE last_sequence END, " +
        "wake_at = CASE WHEN cancel_requested IS NULL THEN NULL ELSE wake_at END, " +
        "wait_signals = CASE WHEN cancel_requested IS NULL THEN NULL ELSE wait_signals END " +
        "WHERE id = $id AND state = 6 RETURNING " + JobColumns;

    public const string TakeLease =
        "UPDATE jobs SET lease_owner = $owner, lease_expires_at = $until WHERE id = $id " +
        "RETURNING " + JobColumns;

    public const string RenewLease =
        "UPDATE jobs SET lease_expires_at = $until WHERE id = $id AND lease_owner = $owner AND state IN (1, 2, 6)";

    public const string ReleaseLease =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $id AND lease_owner = $owner";

    /// <summary>SQLite serves one node: at start, leases left by the previous process are let go.</summary>
    public const string ReleaseAllLeases =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL";

    public const string UpsertNode =
        "INSERT INTO nodes (id, alive_until) VALUES ($id, $until) ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until";

    public const string CountLiveNodes = "SELECT COUNT(*) FROM nodes WHERE alive_until > $now";

    public const string DeleteDeadNodes = "DELETE FROM nodes WHERE alive_until <= $before";

    public const string InsertEvent =
        "INSERT INTO job_events (" + StoreSql.EventRowColumns + ") VALUES ($job_id, $seq, $type, $time, $block_id, $block_type, $text, " +
        "$duration_ticks, $output, $error, $data, $more)";

    public const string UpsertOutput =
        "INSERT INTO block_outputs (job_id, block_id, output) VALUES ($job_id, $block_id, $output) " +
        "ON CONFLICT (job_id, block_id) DO UPDATE SET output = excluded.output";

    public const string LastPostIndex = "SELECT COALESCE(MAX(idx), 0) FROM posts WHERE job_id = $job_id";

    public const string InsertPost =
        "INSERT INTO posts (job_id, idx, id, block_id, role, content, time) " +
        "VALUES ($job_id, $idx, $id, $block_id, $role, $content, $time)";
}
