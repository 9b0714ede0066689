using Npgsql;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>PostgreSQL SQL and writes of the delivery outbox (messages are inserted by <see cref="JobSql.Commit"/>; the mapping is shared).</summary>
internal static class OutboxRows
{
    // Oldest message first, so a job's progress deliveries go out in the order they were made. SKIP LOCKED: nodes
    // claiming at once each lease different messages, never the same one.
    private const string ClaimSql =
        "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now " +
        "ORDER BY id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "claimed AS (UPDATE outbox SET next_attempt_at = @lease_until FROM due WHERE outbox.id = due.id RETURNING outbox.*) " +
        "SELECT " + StoreSql.OutboxColumns + " FROM claimed ORDER BY id";

    // Only a finished message goes back: a pending one may be leased by a dispatcher right now. The answer says whether
    // it changed and whether it exists at all.
    private const string RequeueSql =
        "WITH requeued AS (UPDATE outbox SET status = 'pending', next_attempt_at = @now " +
        "WHERE id = @id AND status <> 'pending' RETURNING id) " +
        "SELECT EXISTS (SELECT 1 FROM requeued), EXISTS (SELECT 1 FROM outbox WHERE id = @id)";

    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(
        WriteSession session, (DateTimeOffset Now, int Max, DateTimeOffset LeaseUntil) claim)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(ClaimSql);
        command.Parameters.Time("now", claim.Now).Int("max", claim.Max).Time("lease_until", claim.LeaseUntil);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        return await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadOutboxMessage, CancellationToken.None);
    }

    public static async Task<bool> RecordAttemptAsync(
        WriteSession session, (long Id, bool Delivered, string? Error, DateTimeOffset? RetryAt, DateTimeOffset AttemptedAt) attempt)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.RecordDeliveryAttempt);
        command.Parameters
            .BigInt("id", attempt.Id)
            .Bool("delivered", attempt.Delivered)
            .Text("error", attempt.Error)
            .Time("retry_at", attempt.RetryAt)
            .Time("attempted_at", attempt.AttemptedAt);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected == 1 ? true : throw StoreErrors.OutboxMessageNotFound(attempt.Id);
    }

    public static async Task<bool> RequeueAsync(WriteSession session, (long Id, DateTimeOffset Now) requeue)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(RequeueSql);
        command.Parameters.BigInt("id", requeue.Id).Time("now", requeue.Now);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        await reader.ReadAsync();
        if (reader.GetBoolean(0))
        {
            return true;
        }
        return reader.GetBoolean(1) ? false : throw StoreErrors.OutboxMessageNotFound(requeue.Id);
    }
}
