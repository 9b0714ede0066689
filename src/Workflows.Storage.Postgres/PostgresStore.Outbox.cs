using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(
        DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            _ = Writer;
            return [];
        }
        return await WriteAsync((now, max, now + lease), OutboxRows.ClaimAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordDeliveryAttemptAsync(
        long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        WriteAsync((outboxId, delivered, error, retryAt, DateTimeOffset.UtcNow), OutboxRows.RecordAttemptAsync, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync((outboxId, now), OutboxRows.RequeueAsync, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OutboxMessage>>(
            Sql.ListDeliveries,
            parameters => parameters.Uuid("job_id", jobId),
            static async (reader, ct) => await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadOutboxMessage, ct),
            cancellationToken);
}
