using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>SQLite SQL and writes of the delivery outbox (the mapping is shared).</summary>
internal static class OutboxRows
{
    private const string InsertSql =
        "INSERT INTO outbox (delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, status, last_error) " +
        "VALUES ($delivery_id, $job_id, $org, $kind, $url, $payload, $attempts, $next_attempt_at, $created_at, 'pending', $last_error)";

    // Oldest message first, so a job's progress deliveries go out in the order they were made. The claim is a single
    // UPDATE run by the single writer, so two claimers can never lease the same row.
    private const string ClaimSql =
        "UPDATE outbox SET next_attempt_at = $lease_until WHERE id IN (" +
        "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $now ORDER BY id LIMIT $max) " +
        "RETURNING " + StoreSql.OutboxColumns;

    // Only a finished message goes back: a pending one may be leased by a dispatcher right now.
    private const string RequeueSql =
        "UPDATE outbox SET status = 'pending', next_attempt_at = $now WHERE id = $id AND status <> 'pending'";

    private const string ExistsSql = "SELECT 1 FROM outbox WHERE id = $id";

    public static void Insert(CachedConnection connection, OutboxMessage message) =>
        connection.Command(InsertSql)
            .Set("$delivery_id", message.DeliveryId)
            .Set("$job_id", JobIds.ToText(message.JobId))
            .Set("$org", message.OrganizationId)
            .Set("$kind", message.Kind)
            .Set("$url", message.Url)
            .Set("$payload", message.Payload)
            .Set("$attempts", message.Attempts)
            .Set("$next_attempt_at", UnixTime.ToMilliseconds(message.NextAttemptAt))
            .Set("$created_at", UnixTime.ToMilliseconds(message.CreatedAt))
            .Set("$last_error", message.LastError)
            .ExecuteNonQuery();

    public static List<OutboxMessage> Claim(CachedConnection connection, (DateTimeOffset Now, int Max, TimeSpan Lease) claim)
    {
        var messages = connection.Command(ClaimSql)
            .Set("$now", UnixTime.ToMilliseconds(claim.Now))
            .Set("$lease_until", UnixTime.ToMilliseconds(claim.Now + claim.Lease))
            .Set("$max", claim.Max)
            .ReadAll(RowMapper<SqliteColumns>.ReadOutboxMessage);
        // RETURNING gives no order guarantee.
        messages.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return messages;
    }

    public static bool RecordAttempt(
        CachedConnection connection, (long Id, bool Delivered, string? Error, DateTimeOffset? RetryAt, DateTimeOffset AttemptedAt) attempt)
    {
        var changed = connection.Command(SqliteColumns.Sql.RecordDeliveryAttempt)
            .Set("$id", attempt.Id)
            .Set("$delivered", attempt.Delivered)
            .Set("$error", attempt.Error)
            .Set("$retry_at", UnixTime.ToMilliseconds(attempt.RetryAt))
            .Set("$attempted_at", UnixTime.ToMilliseconds(attempt.AttemptedAt))
            .ExecuteNonQuery();
        return changed == 1 ? true : throw StoreErrors.OutboxMessageNotFound(attempt.Id);
    }

    public static bool Requeue(CachedConnection connection, (long Id, DateTimeOffset Now) requeue)
    {
        var changed = connection.Command(RequeueSql)
            .Set("$id", requeue.Id)
            .Set("$now", UnixTime.ToMilliseconds(requeue.Now))
            .ExecuteNonQuery();
        if (changed == 1)
        {
            return true;
        }

        return connection.Command(ExistsSql).Set("$id", requeue.Id).ExecuteScalar() is not null
            ? false
            : throw StoreErrors.OutboxMessageNotFound(requeue.Id);
    }
}
