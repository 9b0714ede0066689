namespace Workflows.Storage.Sqlite.Internal;

/// <summary>SQL over jobs, job_events, block_outputs and posts. Each text is prepared once per connection.</summary>
internal static class JobSql
{
    /// <summary>The jobs columns in the order <see cref="JobRows.ReadJob"/> reads them.</summary>
    public const string JobColumns =
        "id, org, app_id, workflow, workflow_title, state, variables, created_at, started_at, finished_at, result, error, " +
        "last_sequence, created_by, callback_url, progress_url, idempotency_key, dialect, parent_job_id, " +
        "idempotency_fingerprint, idempotency_expires_at, lease_owner, lease_expires_at";

    public const string InsertJob =
        "INSERT INTO jobs (" + JobColumns + ") VALUES ($id, $org, $app_id, $workflow, $workflow_title, $state, $variables, " +
        "$created_at, $started_at, $finished_at, $result, $error, $last_sequence, $created_by, $callback_url, $progress_url, " +
        "$idempotency_key, $dialect, $parent_job_id, $idempotency_fingerprint, $idempotency_expires_at, $lease_owner, $lease_expires_at)";

    /// <summary>Frees an expired idempotency key for the job about to take it over (no change when it has not expired).</summary>
    public const string ReleaseExpiredIdempotencyKey =
        "UPDATE jobs SET idempotency_key = NULL, idempotency_fingerprint = NULL, idempotency_expires_at = NULL " +
        "WHERE org = $org AND idempotency_key = $key AND idempotency_expires_at <= $now";

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

    public const string EventColumns = "job_id, seq, type, time, block_id, block_type, text, duration_ticks, output, error, data";

    public const string InsertEvent =
        "INSERT INTO job_events (" + EventColumns + ") VALUES ($job_id, $seq, $type, $time, $block_id, $block_type, $text, " +
        "$duration_ticks, $output, $error, $data)";

    public const string UpsertOutput =
        "INSERT INTO block_outputs (job_id, block_id, output) VALUES ($job_id, $block_id, $output) " +
        "ON CONFLICT (job_id, block_id) DO UPDATE SET output = excluded.output";

    public const string LastPostIndex = "SELECT COALESCE(MAX(idx), 0) FROM posts WHERE job_id = $job_id";

    public const string InsertPost =
        "INSERT INTO posts (job_id, idx, id, block_id, role, content, time) " +
        "VALUES ($job_id, $idx, $id, $block_id, $role, $content, $time)";

    public const string SelectJob = "SELECT " + JobColumns + " FROM jobs WHERE id = $id";

    public const string SelectOrganizationJob = "SELECT " + JobColumns + " FROM jobs WHERE id = $id AND org = $org";

    public const string SelectByIdempotencyKey =
        "SELECT " + JobColumns + " FROM jobs WHERE org = $org AND idempotency_key = $key";

    // Filters are optional through NULL parameters so one prepared statement serves every combination; the
    // (org, created_at, id) index gives the order, and the cursor is a row-value range so deep pages stay cheap.
    private const string ListFilters =
        "FROM jobs WHERE org = $org AND ($state IS NULL OR state = $state) " +
        "AND ($apps IS NULL OR app_id IN (SELECT value FROM json_each($apps))) ";

    public const string ListFirstPage =
        "SELECT " + JobColumns + " " + ListFilters + "ORDER BY created_at DESC, id DESC LIMIT $limit";

    public const string ListNextPage =
        "SELECT " + JobColumns + " " + ListFilters + "AND (created_at, id) < ($after_created, $after_id) " +
        "ORDER BY created_at DESC, id DESC LIMIT $limit";

    public const string ListUnfinished =
        "SELECT " + JobColumns + " FROM jobs WHERE state IN (1, 2) ORDER BY created_at, id";

    public const string SelectEvents =
        "SELECT " + EventColumns + " FROM job_events WHERE job_id = $job_id AND seq > $after ORDER BY seq LIMIT $limit";

    public const string SelectOutputs = "SELECT block_id, output FROM block_outputs WHERE job_id = $job_id";

    public const string SelectPosts =
        "SELECT id, block_id, role, content, time FROM posts WHERE job_id = $job_id ORDER BY idx";
}
