using Microsoft.Data.Sqlite;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>SQL and mapping of the delivery outbox.</summary>
internal static class OutboxRows
{
    private const string Columns =
        "id, delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, last_error, status, last_attempt_at";

    private const string InsertSql =
        "INSERT INTO outbox (delivery_id, job_id, org, kind, url, payload, attempts, next_attempt_at, created_at, status, last_error) " +
        "VALUES ($delivery_id, $job_id, $org, $kind, $url, $payload, $attempts, $next_attempt_at, $created_at, 'pending', $last_error)";

    // Oldest message first, so a job's progress deliveries go out in the order they were made. The claim is a single
    // UPDATE run by the single writer, so two claimers can never lease the same row.
    private const string ClaimSql =
        "UPDATE outbox SET next_attempt_at = $lease_until WHERE id IN (" +
        "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $now ORDER BY id LIMIT $max) " +
        "RETURNING " + Columns;

    private const string RecordAttemptSql =
        "UPDATE outbox SET attempts = attempts + 1, last_error = $error, last_attempt_at = $attempted_at, " +
        "status = CASE WHEN $delivered THEN 'delivered' WHEN $retry_at IS NULL THEN 'failed' ELSE 'pending' END, " +
        "next_attempt_at = CASE WHEN $delivered THEN next_attempt_at ELSE COALESCE($retry_at, next_attempt_at) END " +
        "WHERE id = $id";

    // Only a finished message goes back: a pending one may be leased by a dispatcher right now.
    private const string RequeueSql =
        "UPDATE outbox SET status = 'pending', next_attempt_at = $now WHERE id = $id AND status <> 'pending'";

    private const string ExistsSql = "SELECT 1 FROM outbox WHERE id = $id";

    public const string ListForJobSql = "SELECT " + Columns + " FROM outbox WHERE job_id = $job_id ORDER BY id";

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
        var messages = Read(connection.Command(ClaimSql)
            .Set("$now", UnixTime.ToMilliseconds(claim.Now))
            .Set("$lease_until", UnixTime.ToMilliseconds(claim.Now + claim.Lease))
            .Set("$max", claim.Max));
        // RETURNING gives no order guarantee.
        messages.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return messages;
    }

    public static bool RecordAttempt(
        CachedConnection connection, (long Id, bool Delivered, string? Error, DateTimeOffset? RetryAt, DateTimeOffset AttemptedAt) attempt)
    {
        var changed = connection.Command(RecordAttemptSql)
            .Set("$id", attempt.Id)
            .Set("$delivered", attempt.Delivered)
            .Set("$error", attempt.Error)
            .Set("$retry_at", UnixTime.ToMilliseconds(attempt.RetryAt))
            .Set("$attempted_at", UnixTime.ToMilliseconds(attempt.AttemptedAt))
            .ExecuteNonQuery();
        return changed == 1 ? true : throw new KeyNotFoundException($"Outbox message {attempt.Id} does not exist.");
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
            : throw new KeyNotFoundException($"Outbox message {requeue.Id} does not exist.");
    }

    public static List<OutboxMessage> Read(SqliteCommand command)
    {
        var messages = new List<OutboxMessage>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            messages.Add(new OutboxMessage
            {
                Id = reader.GetInt64(0),
                DeliveryId = reader.GetString(1),
                JobId = JobIds.Parse(reader.GetString(2)),
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
