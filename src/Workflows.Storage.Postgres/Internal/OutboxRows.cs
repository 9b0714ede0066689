using Npgsql;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>SQL, writes and mapping of the delivery outbox (messages are inserted by <see cref="JobSql.Commit"/>).</summary>
internal static class OutboxRows
{
    private const string Columns =
        "id, delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, last_error, status, last_attempt_at";

    // Oldest message first, so a job's progress deliveries go out in the order they were made. SKIP LOCKED: nodes
    // claiming at once each lease different messages, never the same one.
    private const string ClaimSql =
        "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now " +
        "ORDER BY id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "claimed AS (UPDATE outbox SET next_attempt_at = @lease_until FROM due WHERE outbox.id = due.id RETURNING outbox.*) " +
        "SELECT " + Columns + " FROM claimed ORDER BY id";

    private const string RecordAttemptSql =
        "UPDATE outbox SET attempts = attempts + 1, last_error = @error, last_attempt_at = @attempted_at, " +
        "status = CASE WHEN @delivered THEN 'delivered' WHEN @retry_at IS NULL THEN 'failed' ELSE 'pending' END, " +
        "next_attempt_at = CASE WHEN @delivered THEN next_attempt_at ELSE COALESCE(@retry_at, next_attempt_at) END " +
        "WHERE id = @id";

    // Only a finished message goes back: a pending one may be leased by a dispatcher right now. The answer says whether
    // it changed and whether it exists at all.
    private const string RequeueSql =
        "WITH requeued AS (UPDATE outbox SET status = 'pending', next_attempt_at = @now " +
        "WHERE id = @id AND status <> 'pending' RETURNING id) " +
        "SELECT EXISTS (SELECT 1 FROM requeued), EXISTS (SELECT 1 FROM outbox WHERE id = @id)";

    public const string ListForJobSql = "SELECT " + Columns + " FROM outbox WHERE job_id = @job_id ORDER BY id";

    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(
        WriteSession session, (DateTimeOffset Now, int Max, DateTimeOffset LeaseUntil) claim)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(ClaimSql);
        command.Parameters.Time("now", claim.Now).Int("max", claim.Max).Time("lease_until", claim.LeaseUntil);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        return await ReadAsync(reader, CancellationToken.None);
    }

    public static async Task<bool> RecordAttemptAsync(
        WriteSession session, (long Id, bool Delivered, string? Error, DateTimeOffset? RetryAt, DateTimeOffset AttemptedAt) attempt)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(RecordAttemptSql);
        command.Parameters
            .BigInt("id", attempt.Id)
            .Bool("delivered", attempt.Delivered)
            .Text("error", attempt.Error)
            .Time("retry_at", attempt.RetryAt)
            .Time("attempted_at", attempt.AttemptedAt);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected == 1 ? true : throw new KeyNotFoundException($"Outbox message {attempt.Id} does not exist.");
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
        return reader.GetBoolean(1) ? false : throw new KeyNotFoundException($"Outbox message {requeue.Id} does not exist.");
    }

    public static async Task<IReadOnlyList<OutboxMessage>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage
            {
                Id = reader.GetInt64(0),
                DeliveryId = reader.GetString(1),
                JobId = reader.GetGuid(2),
                OrganizationId = reader.GetString(3),
                Kind = reader.GetString(4),
                Url = reader.GetString(5),
                Payload = reader.GetString(6),
                Attempts = reader.GetInt32(7),
                NextAttemptAt = reader.GetTime(8),
                CreatedAt = reader.GetTime(9),
                LastError = reader.GetNullableString(10),
                Status = ParseStatus(reader.GetString(11)),
                LastAttemptAt = reader.GetNullableTime(12),
            });
        }
        return messages;
    }

    private static DeliveryStatus ParseStatus(string status) => status switch
    {
        "pending" => DeliveryStatus.Pending,
        "delivered" => DeliveryStatus.Delivered,
        "failed" => DeliveryStatus.Failed,
        _ => throw new InvalidOperationException($"Unknown outbox status '{status}'."),
    };
}
