namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// The SQLite-only SQL over jobs, job_events, block_outputs, posts and nodes (the rest is <see cref="SqliteColumns.Sql"/>).
/// Each text is prepared once per connection.
/// </summary>
internal static class JobSql
{
    private const string JobColumns = StoreSql.JobColumns;

    public const string InsertJob =
        "INSERT INTO jobs (" + JobColumns + ") VALUES ($id, $org, $app_id, $workflow, $workflow_title, $state, $variables, " +
        "$created_at, $started_at, $finished_at, $result, $error, $last_sequence, $created_by, $callback_url, $progress_url, " +
        "$idempotency_key, $dialect, $parent_job_id, $idempotency_fingerprint, $idempotency_expires_at, $lease_owner, $lease_expires_at, " +
        "$schedule_id, $scheduled_time)";

    /// <summary>Advances a job only when nobody else did: no row changes on a sequence mismatch. NULL means unchanged.</summary>
    public const string AdvanceJob =
        "UPDATE jobs SET last_sequence = $last_sequence, state = COALESCE($state, state), " +
        "started_at = COALESCE($started_at, started_at), finished_at = COALESCE($finished_at, finished_at), " +
        "result = COALESCE($result, result), error = COALESCE($error, error) " +
        "WHERE id = $id AND last_sequence = $expected AND ($lease_owner IS NULL OR lease_owner = $lease_owner)";

    public const string SelectLastSequence = "SELECT last_sequence, lease_owner FROM jobs WHERE id = $id";

    /// <summary>Unfinished jobs nobody holds (no lease or an expired one), oldest first.</summary>
    public const string SelectClaimable =
        "SELECT id FROM jobs WHERE state IN (1, 2) AND (lease_owner IS NULL OR lease_expires_at <= $now) " +
        "ORDER BY created_at, id LIMIT $limit";

    public const string TakeLease =
        "UPDATE jobs SET lease_owner = $owner, lease_expires_at = $until WHERE id = $id " +
        "RETURNING " + JobColumns;

    public const string RenewLease =
        "UPDATE jobs SET lease_expires_at = $until WHERE id = $id AND lease_owner = $owner AND state IN (1, 2)";

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
        "INSERT INTO job_events (" + StoreSql.EventColumns + ") VALUES ($job_id, $seq, $type, $time, $block_id, $block_type, $text, " +
        "$duration_ticks, $output, $error, $data)";

    public const string UpsertOutput =
        "INSERT INTO block_outputs (job_id, block_id, output) VALUES ($job_id, $block_id, $output) " +
        "ON CONFLICT (job_id, block_id) DO UPDATE SET output = excluded.output";

    public const string LastPostIndex = "SELECT COALESCE(MAX(idx), 0) FROM posts WHERE job_id = $job_id";

    public const string InsertPost =
        "INSERT INTO posts (job_id, idx, id, block_id, role, content, time) " +
        "VALUES ($job_id, $idx, $id, $block_id, $role, $content, $time)";
}
