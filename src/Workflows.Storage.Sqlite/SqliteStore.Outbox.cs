using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(
        DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }
        // Through the writer: the lease is a write, and one writer means two claimers never get the same row.
        return await WriteAsync((now, max, lease), OutboxRows.Claim, cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordDeliveryAttemptAsync(
        long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        WriteAsync((outboxId, delivered, error, retryAt, DateTimeOffset.UtcNow), OutboxRows.RecordAttempt, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync((outboxId, now), OutboxRows.Requeue, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<string, IReadOnlyList<OutboxMessage>>(
            JobIds.ToText(jobId),
            static (connection, id) => connection.Command(Sql.ListDeliveries).Set("$job_id", id).ReadAll(RowMapper<SqliteColumns>.ReadOutboxMessage),
            cancellationToken);
}
