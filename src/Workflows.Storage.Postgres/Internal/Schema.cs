using Npgsql;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The schema, versioned in the <c>schema_version</c> table (one row per applied migration). Migration N takes the
/// database from version N-1 to N; append new ones, never edit shipped ones.
/// </summary>
internal static class Schema
{
    /// <summary>
    /// The advisory lock migrations hold (ASCII "Workflow"), so nodes starting at once migrate one after the other. A
    /// transaction-level lock: it goes away with the transaction, whatever happens to the process.
    /// </summary>
    public const long MigrationLock = 0x576F726B666C6F77;

    private static readonly string[] Migrations =
    [
        // 1: jobs, their events, outputs and posts, the delivery outbox, stored apps and live nodes. Times are timestamptz
        // cut to milliseconds; JSON is text (see StoredJson); children go with their job (retention deletes jobs only).
        """
        CREATE TABLE jobs (
            id                      uuid        NOT NULL PRIMARY KEY,
            org                     text        NOT NULL,
            app_id                  text        NOT NULL,
            workflow                text        NOT NULL,
            workflow_title          text        NOT NULL,
            state                   integer     NOT NULL,
            variables               text        NOT NULL,
            created_at              timestamptz NOT NULL,
            started_at              timestamptz,
            finished_at             timestamptz,
            result                  text,
            error                   text,
            last_sequence           bigint      NOT NULL,
            created_by              text        NOT NULL,
            callback_url            text,
            progress_url            text,
            idempotency_key         text,
            dialect                 text        NOT NULL,
            parent_job_id           uuid,
            idempotency_fingerprint text,
            idempotency_expires_at  timestamptz,
            lease_owner             text,
            lease_expires_at        timestamptz
        );
        CREATE INDEX jobs_org_created ON jobs (org, created_at DESC, id DESC);
        CREATE UNIQUE INDEX jobs_org_idempotency ON jobs (org, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX jobs_unfinished ON jobs (created_at, id) WHERE state IN (1, 2);
        CREATE INDEX jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL;
        CREATE INDEX jobs_finished ON jobs (finished_at, id) WHERE finished_at IS NOT NULL;

        CREATE TABLE job_events (
            job_id         uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            seq            bigint      NOT NULL,
            type           text        NOT NULL,
            time           timestamptz NOT NULL,
            block_id       text,
            block_type     text,
            text           text,
            duration_ticks bigint,
            output         text,
            error          text,
            data           text,
            PRIMARY KEY (job_id, seq)
        );

        CREATE TABLE block_outputs (
            job_id   uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            block_id text NOT NULL,
            output   text NOT NULL,
            PRIMARY KEY (job_id, block_id)
        );

        CREATE TABLE posts (
            job_id   uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            idx      integer     NOT NULL,
            id       text        NOT NULL,
            block_id text,
            role     text        NOT NULL,
            content  text        NOT NULL,
            time     timestamptz NOT NULL,
            PRIMARY KEY (job_id, idx),
            UNIQUE (job_id, id)
        );

        CREATE TABLE outbox (
            id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id     text        NOT NULL,
            job_id          uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            org             text        NOT NULL,
            kind            text        NOT NULL,
            url             text        NOT NULL,
            payload         text        NOT NULL,
            attempts        integer     NOT NULL,
            next_attempt_at timestamptz NOT NULL,
            created_at      timestamptz NOT NULL,
            status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            last_error      text,
            last_attempt_at timestamptz
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX outbox_job ON outbox (job_id, id);

        CREATE TABLE apps (
            org         text        NOT NULL,
            id          text        NOT NULL,
            name        text        NOT NULL,
            slug        text        NOT NULL,
            description text        NOT NULL,
            workflows   text        NOT NULL,
            updated_at  timestamptz NOT NULL,
            PRIMARY KEY (org, id)
        );

        CREATE TABLE nodes (
            node_id     text        NOT NULL PRIMARY KEY,
            alive_until timestamptz NOT NULL
        );
        """,

        // 2: waiting as data. A waiting job (state 6) is a due time and the signal names it waits for; the time limit
        // counts running time only (run_time_ms, accumulated at each wait); cancel requests are stored before the answer;
        // signals are stored before theirs and kept until a wait takes them.
        """
        ALTER TABLE jobs ADD COLUMN wake_at timestamptz;
        ALTER TABLE jobs ADD COLUMN wait_signals text;
        ALTER TABLE jobs ADD COLUMN run_time_ms bigint NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN cancel_requested text;
        CREATE INDEX jobs_due ON jobs (wake_at) WHERE state = 6;
        CREATE INDEX jobs_cancel_requested ON jobs (lease_owner) WHERE cancel_requested IS NOT NULL AND state IN (1, 2, 6);
        CREATE TABLE job_signals (
            id              bigserial   PRIMARY KEY,
            job_id          uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            name            text        NOT NULL,
            payload         text        NOT NULL,
            idempotency_key text,
            created_at      timestamptz NOT NULL,
            consumed        boolean     NOT NULL DEFAULT false
        );
        CREATE UNIQUE INDEX job_signals_key ON job_signals (job_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX job_signals_job ON job_signals (job_id, name, id);
        """,

        // 3: schedules, and their ticks: one row per (schedule, tick time), which whoever inserts it first owns (the
        // primary key is what makes one tick start one job on any number of nodes). Jobs name the schedule and tick.
        """
        ALTER TABLE jobs ADD COLUMN schedule_id text;
        ALTER TABLE jobs ADD COLUMN scheduled_time timestamptz;
        CREATE TABLE schedules (
            org        text        NOT NULL,
            id         text        NOT NULL,
            app_id     text        NOT NULL,
            workflow   text        NOT NULL,
            variables  text        NOT NULL,
            cron       text        NOT NULL,
            time_zone  text        NOT NULL,
            overlap    text        NOT NULL,
            catchup_ms bigint      NOT NULL,
            paused     boolean     NOT NULL,
            source     text        NOT NULL,
            created_by text        NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            ticks_from timestamptz NOT NULL,
            PRIMARY KEY (org, id)
        );
        CREATE TABLE schedule_runs (
            org            text        NOT NULL,
            schedule_id    text        NOT NULL,
            scheduled_time timestamptz NOT NULL,
            outcome        text        NOT NULL,
            job_id         uuid,
            error          text,
            recorded_at    timestamptz NOT NULL,
            PRIMARY KEY (org, schedule_id, scheduled_time)
        );
        """,

        // 4: budgets. A job keeps the limits it started with (its own or its app's default) as JSON, null for none.
        """
        ALTER TABLE jobs ADD COLUMN budget text;
        """,

        // 5: reruns name the job they rerun (no foreign key: the original may be deleted by retention first).
        """
        ALTER TABLE jobs ADD COLUMN rerun_of uuid;
        """,

        // 6: a job keeps the workflow definition it started with: sources by content hash, named by the job.
        """
        CREATE TABLE definitions (
            hash       text        PRIMARY KEY,
            source     text        NOT NULL,
            created_at timestamptz NOT NULL
        );
        ALTER TABLE jobs ADD COLUMN definition_hash text;
        """,

        // 7: the W3C trace context of a job's latest run, so a resumed or taken-over job continues
        // its trace.
        """
        ALTER TABLE jobs ADD COLUMN trace_parent text;
        """,

        // 8: handles, short-lived names a caller holds instead of an
        // id (a poll token's hash or an MCP request id for a job, an upload for its file). No foreign key: retention may delete the
        // job first, and the handle only lives until its expiry.
        """
        CREATE TABLE handles (
            key        text        NOT NULL PRIMARY KEY,
            org        text        NOT NULL,
            target     text        NOT NULL,
            expires_at timestamptz NOT NULL
        );
        CREATE INDEX handles_expiry ON handles (expires_at);
        """,

        // 9: tokens. Revoked tokens by organisation and token id, kept until the token would have expired anyway (no
        // expiry: kept for good); a job names the subject (`sub`) of the token that started it.
        """
        CREATE TABLE IF NOT EXISTS token_revocations (
            org        text        NOT NULL,
            token_id   text        NOT NULL,
            revoked_at timestamptz NOT NULL,
            revoked_by text        NOT NULL,
            expires_at timestamptz,
            PRIMARY KEY (org, token_id)
        );
        CREATE INDEX IF NOT EXISTS token_revocations_expiry ON token_revocations (expires_at) WHERE expires_at IS NOT NULL;
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS creator text;
        """,

        // 10: cluster-wide limits. An organisation's jobs holding a lease
        // are counted by claims and new jobs against its running-job limit; its request rate is a token bucket, unlogged
        // (a crash refills the buckets, which only forgets how much of the last second was used).
        """
        CREATE INDEX jobs_org_leased ON jobs (org, lease_expires_at) WHERE state IN (1, 2);
        CREATE UNLOGGED TABLE request_buckets (
            org         text             NOT NULL PRIMARY KEY,
            tokens      double precision NOT NULL,
            refilled_at timestamptz      NOT NULL,
            granted     integer          NOT NULL
        );
        """,

        // 11: nothing but the database is shared. Secrets (the signing key, webhook secrets) by name; files as
        // contents by file id (each distinct content once), their bytes in chunks, and each organisation's records.
        // Chunks are written under a new content id before the file id is known, and become a content on commit.
        // Chunk data is mostly compressed already (images, PDFs): stored out of line without trying to compress it.
        """
        CREATE TABLE secrets (
            name                 text        NOT NULL PRIMARY KEY,
            value                text        NOT NULL,
            previous             text,
            previous_valid_until timestamptz,
            updated_at           timestamptz NOT NULL
        );
        CREATE TABLE file_contents (
            fid        text        NOT NULL PRIMARY KEY,
            content_id uuid        NOT NULL UNIQUE,
            chunk_size integer     NOT NULL,
            stored_at  timestamptz NOT NULL
        );
        CREATE INDEX file_contents_stored ON file_contents (stored_at);
        CREATE TABLE file_chunks (
            content_id uuid        NOT NULL,
            idx        integer     NOT NULL,
            data       bytea       NOT NULL,
            written_at timestamptz NOT NULL,
            PRIMARY KEY (content_id, idx)
        );
        ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        CREATE INDEX file_chunks_written ON file_chunks (written_at);
        CREATE TABLE files (
            org        text        NOT NULL,
            fid        text        NOT NULL,
            file_name  text        NOT NULL,
            size       bigint      NOT NULL,
            mime_type  text        NOT NULL,
            file_type  text        NOT NULL,
            created_at timestamptz NOT NULL,
            stored_at  timestamptz NOT NULL,
            PRIMARY KEY (org, fid)
        );
        CREATE INDEX files_stored ON files (stored_at);
        CREATE INDEX files_fid ON files (fid);
        """,

        // 16: a job_events row may hold its commit's later events too (EventBatch). This store still writes one row per
        // event, but reads rows written either way.
        """
        ALTER TABLE job_events ADD COLUMN IF NOT EXISTS more text;
        """,
    ];

    /// <summary>The version a fully migrated database has.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>
    /// Applies the missing migrations in one transaction that first takes <see cref="MigrationLock"/>: of several nodes
    /// starting at once, one migrates and the others then find nothing left to do.
    /// </summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection))
        {
            command.Parameters.BigInt("key", MigrationLock);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(
            connection,
            "CREATE TABLE IF NOT EXISTS schema_version (" +
            "version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);

        int version;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection))
        {
            version = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database schema is version {version}, newer than this build understands ({Migrations.Length}).");
        }

        for (var next = version + 1; next <= Migrations.Length; next++)
        {
            await ExecuteAsync(connection, Migrations[next - 1], cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version)", connection);
            record.Parameters.Int("version", next);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
