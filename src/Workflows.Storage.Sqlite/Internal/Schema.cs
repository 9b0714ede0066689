using System.Globalization;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// The schema, versioned through <c>PRAGMA user_version</c>. Migration N takes the database from version N-1 to N;
/// append new ones, never edit shipped ones.
/// </summary>
internal static class Schema
{
    private static readonly string[] Migrations =
    [
        // 1: jobs, their events, outputs and posts, the delivery outbox and stored apps.
        """
        CREATE TABLE jobs (
            id              TEXT    NOT NULL PRIMARY KEY,
            org             TEXT    NOT NULL,
            app_id          TEXT    NOT NULL,
            workflow        TEXT    NOT NULL,
            workflow_title  TEXT    NOT NULL,
            state           INTEGER NOT NULL,
            variables       TEXT    NOT NULL,
            created_at      INTEGER NOT NULL,
            started_at      INTEGER,
            finished_at     INTEGER,
            result          TEXT,
            error           TEXT,
            last_sequence   INTEGER NOT NULL,
            created_by      TEXT    NOT NULL,
            callback_url    TEXT,
            progress_url    TEXT,
            idempotency_key TEXT,
            dialect         TEXT    NOT NULL
        );
        CREATE INDEX jobs_org_created ON jobs (org, created_at DESC, id DESC);
        CREATE UNIQUE INDEX jobs_org_idempotency ON jobs (org, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX jobs_unfinished ON jobs (created_at, id) WHERE state IN (1, 2);

        CREATE TABLE job_events (
            job_id         TEXT    NOT NULL REFERENCES jobs (id),
            seq            INTEGER NOT NULL,
            type           TEXT    NOT NULL,
            time           INTEGER NOT NULL,
            block_id       TEXT,
            block_type     TEXT,
            text           TEXT,
            duration_ticks INTEGER,
            output         TEXT,
            error          TEXT,
            data           TEXT,
            PRIMARY KEY (job_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE block_outputs (
            job_id   TEXT NOT NULL REFERENCES jobs (id),
            block_id TEXT NOT NULL,
            output   TEXT NOT NULL,
            PRIMARY KEY (job_id, block_id)
        ) WITHOUT ROWID;

        CREATE TABLE posts (
            job_id   TEXT    NOT NULL REFERENCES jobs (id),
            idx      INTEGER NOT NULL,
            id       TEXT    NOT NULL,
            block_id TEXT,
            role     TEXT    NOT NULL,
            content  TEXT    NOT NULL,
            time     INTEGER NOT NULL,
            PRIMARY KEY (job_id, idx),
            UNIQUE (job_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id     TEXT    NOT NULL,
            job_id          TEXT    NOT NULL REFERENCES jobs (id),
            org             TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            url             TEXT    NOT NULL,
            payload         TEXT    NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            last_error      TEXT,
            last_attempt_at INTEGER
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX outbox_job ON outbox (job_id, id);

        CREATE TABLE apps (
            org         TEXT    NOT NULL,
            id          TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            slug        TEXT    NOT NULL,
            description TEXT    NOT NULL,
            workflows   TEXT    NOT NULL,
            updated_at  INTEGER NOT NULL,
            PRIMARY KEY (org, id)
        ) WITHOUT ROWID;
        """,

        // 2: child jobs (run_workflow, foreach) name their parent.
        """
        ALTER TABLE jobs ADD COLUMN parent_job_id TEXT;
        CREATE INDEX jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL;
        """,

        // 3: idempotency keys remember the request they came with, and expire (the unique (org, key) index stays: an
        // expired key moves to the job that reuses it). Keys stored before expire 24 h after their job; child keys never.
        """
        ALTER TABLE jobs ADD COLUMN idempotency_fingerprint TEXT;
        ALTER TABLE jobs ADD COLUMN idempotency_expires_at INTEGER;
        UPDATE jobs SET idempotency_expires_at = created_at + 86400000
            WHERE idempotency_key IS NOT NULL AND parent_job_id IS NULL;
        """,

        // 4: retention deletes finished jobs oldest first.
        """
        CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
        """,

        // 5: a job is run by the node holding its lease; nodes say they are alive (limits are shared among them).
        """
        ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
        ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
        CREATE TABLE nodes (
            id          TEXT    NOT NULL PRIMARY KEY,
            alive_until INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,

        // 6: waiting as data. A waiting job (state 6) is a due time and the signal names it waits for; the time limit
        // counts running time only (run_time_ms, accumulated at each wait); cancel requests are stored before the answer;
        // signals are stored before theirs and kept until a wait takes them.
        """
        ALTER TABLE jobs ADD COLUMN wake_at INTEGER;
        ALTER TABLE jobs ADD COLUMN wait_signals TEXT;
        ALTER TABLE jobs ADD COLUMN run_time_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN cancel_requested TEXT;
        CREATE INDEX jobs_due ON jobs (wake_at) WHERE state = 6;
        CREATE INDEX jobs_cancel_requested ON jobs (lease_owner) WHERE cancel_requested IS NOT NULL AND state IN (1, 2, 6);
        CREATE TABLE job_signals (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id          TEXT    NOT NULL REFERENCES jobs (id),
            name            TEXT    NOT NULL,
            payload         TEXT    NOT NULL,
            idempotency_key TEXT,
            created_at      INTEGER NOT NULL,
            consumed        INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX job_signals_key ON job_signals (job_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX job_signals_job ON job_signals (job_id, name, id);
        """,

        // 7: schedules, and their ticks: one row per (schedule, tick time), which whoever inserts it first owns. Jobs
        // name the schedule and tick they run for.
        """
        ALTER TABLE jobs ADD COLUMN schedule_id TEXT;
        ALTER TABLE jobs ADD COLUMN scheduled_time INTEGER;
        CREATE TABLE schedules (
            org        TEXT    NOT NULL,
            id         TEXT    NOT NULL,
            app_id     TEXT    NOT NULL,
            workflow   TEXT    NOT NULL,
            variables  TEXT    NOT NULL,
            cron       TEXT    NOT NULL,
            time_zone  TEXT    NOT NULL,
            overlap    TEXT    NOT NULL,
            catchup_ms INTEGER NOT NULL,
            paused     INTEGER NOT NULL,
            source     TEXT    NOT NULL,
            created_by TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            ticks_from INTEGER NOT NULL,
            PRIMARY KEY (org, id)
        ) WITHOUT ROWID;
        CREATE TABLE schedule_runs (
            org            TEXT    NOT NULL,
            schedule_id    TEXT    NOT NULL,
            scheduled_time INTEGER NOT NULL,
            outcome        TEXT    NOT NULL,
            job_id         TEXT,
            error          TEXT,
            recorded_at    INTEGER NOT NULL,
            PRIMARY KEY (org, schedule_id, scheduled_time)
        ) WITHOUT ROWID;
        """,

        // 8: budgets. A job keeps the limits it started with (its own or its app's default) as JSON, null for none.
        """
        ALTER TABLE jobs ADD COLUMN budget TEXT;
        """,

        // 9: reruns name the job they rerun.
        """
        ALTER TABLE jobs ADD COLUMN rerun_of TEXT;
        """,

        // 10: a job keeps the workflow definition it started with: sources by content hash, named by the job.
        """
        CREATE TABLE definitions (
            hash       TEXT    PRIMARY KEY,
            source     TEXT    NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE jobs ADD COLUMN definition_hash TEXT;
        """,

        // 11: the W3C trace context of a job's latest run, so a resumed or taken-over job continues
        // its trace.
        """
        ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
        """,

        // 12: handles, short-lived names a caller holds instead of an
        // id (a poll token's hash or an MCP request id for a job, an upload for its file). No foreign key: a handle outlives nothing
        // but its expiry, and retention may delete its job first.
        """
        CREATE TABLE handles (
            key        TEXT    NOT NULL PRIMARY KEY,
            org        TEXT    NOT NULL,
            target     TEXT    NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX handles_expiry ON handles (expires_at);
        """,

        // 13: tokens. Revoked tokens by organisation and token id, kept until the token would have expired anyway (no
        // expiry: kept for good); a job names the subject (`sub`) of the token that started it.
        """
        CREATE TABLE IF NOT EXISTS token_revocations (
            org        TEXT    NOT NULL,
            token_id   TEXT    NOT NULL,
            revoked_at INTEGER NOT NULL,
            revoked_by TEXT    NOT NULL,
            expires_at INTEGER,
            PRIMARY KEY (org, token_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS token_revocations_expiry ON token_revocations (expires_at) WHERE expires_at IS NOT NULL;
        ALTER TABLE jobs ADD COLUMN creator TEXT;
        """,

        // 14: claims count an organisation's jobs holding a lease against
        // its running-job limit.
        """
        CREATE INDEX jobs_org_leased ON jobs (org, lease_expires_at) WHERE state IN (1, 2);
        """,

        // 15: nothing but the database is shared. Secrets (the signing key, webhook secrets) by name; files as
        // contents by file id (each distinct content once), their bytes in chunks, and each organisation's records.
        // Chunks are written under a new content id before the file id is known, and become a content on commit.
        """
        CREATE TABLE secrets (
            name                 TEXT    NOT NULL PRIMARY KEY,
            value                TEXT    NOT NULL,
            previous             TEXT,
            previous_valid_until INTEGER,
            updated_at           INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE file_contents (
            fid        TEXT    NOT NULL PRIMARY KEY,
            content_id TEXT    NOT NULL UNIQUE,
            chunk_size INTEGER NOT NULL,
            stored_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX file_contents_stored ON file_contents (stored_at);
        CREATE TABLE file_chunks (
            content_id TEXT    NOT NULL,
            idx        INTEGER NOT NULL,
            data       BLOB    NOT NULL,
            written_at INTEGER NOT NULL,
            PRIMARY KEY (content_id, idx)
        );
        CREATE INDEX file_chunks_written ON file_chunks (written_at);
        CREATE TABLE files (
            org        TEXT    NOT NULL,
            fid        TEXT    NOT NULL,
            file_name  TEXT    NOT NULL,
            size       INTEGER NOT NULL,
            mime_type  TEXT    NOT NULL,
            file_type  TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            stored_at  INTEGER NOT NULL,
            PRIMARY KEY (org, fid)
        ) WITHOUT ROWID;
        CREATE INDEX files_stored ON files (stored_at);
        CREATE INDEX files_fid ON files (fid);
        """,

        // 16: a commit's events in one row: the first in the columns, the later ones as JSON in "more" (EventBatch).
        // Rows written before hold one event each, which is what a row without "more" is. The table gets a rowid: a
        // WITHOUT ROWID row keeps at most about 1,000 bytes in its page (a 4 KiB page), so a commit's row spilled into
        // an overflow page of its own, twice the bytes written per job; a rowid row keeps up to about 4,000 in place.
        """
        CREATE TABLE job_events_by_commit (
            job_id         TEXT    NOT NULL REFERENCES jobs (id),
            seq            INTEGER NOT NULL,
            type           TEXT    NOT NULL,
            time           INTEGER NOT NULL,
            block_id       TEXT,
            block_type     TEXT,
            text           TEXT,
            duration_ticks INTEGER,
            output         TEXT,
            error          TEXT,
            data           TEXT,
            more           TEXT,
            PRIMARY KEY (job_id, seq)
        );
        INSERT INTO job_events_by_commit (job_id, seq, type, time, block_id, block_type, text, duration_ticks, output, error, data)
            SELECT job_id, seq, type, time, block_id, block_type, text, duration_ticks, output, error, data FROM job_events;
        DROP TABLE job_events;
        ALTER TABLE job_events_by_commit RENAME TO job_events;
        """,
    ];

    /// <summary>The version a fully migrated database has.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>The SQL of each version in turn (version N is the first N), for tests that build an older database.</summary>
    internal static IReadOnlyList<string> Steps => Migrations;

    /// <summary>Applies missing migrations, each in its own transaction together with its version bump.</summary>
    public static void Migrate(CachedConnection connection)
    {
        while (true)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once migrate one after the other.
            connection.Execute("BEGIN IMMEDIATE");
            try
            {
                var version = Convert.ToInt32(connection.Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
                if (version > Migrations.Length)
                {
                    throw new InvalidOperationException(
                        $"The database schema is version {version}, newer than this build understands ({Migrations.Length}).");
                }
                if (version == Migrations.Length)
                {
                    connection.Execute("COMMIT");
                    return;
                }
                connection.Execute(Migrations[version]);
                connection.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version + 1}"));
                connection.Execute("COMMIT");
            }
            catch
            {
                connection.Execute("ROLLBACK");
                throw;
            }
        }
    }
}
