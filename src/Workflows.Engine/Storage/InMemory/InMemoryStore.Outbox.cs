using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimDueDeliveriesAsync(
        DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken) =>
        Locked<(DateTimeOffset, DateTimeOffset, int), IReadOnlyList<OutboxMessage>>(
            (StoredTime.Of(now), StoredTime.Of(now + lease), max),
            static (store, request) =>
            {
                var (now, until, max) = request;
                // Oldest message first, so a job's progress deliveries go out in the order they were made.
                var due = store._outbox.Values
                    .Where(message => message.Status == DeliveryStatus.Pending && message.NextAttemptAt <= now)
                    .Take(Math.Max(0, max))
                    .ToList();
                return due.ConvertAll(message => store._outbox[message.Id] = message with { NextAttemptAt = until });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task RecordDeliveryAttemptAsync(
        long outboxId, bool delivered, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        Locked((outboxId, delivered, error, retryAt: StoredTime.Of(retryAt), attemptedAt: StoredTime.Of(_time.GetUtcNow())), static (store, attempt) =>
        {
            if (!store._outbox.TryGetValue(attempt.outboxId, out var message))
            {
                throw new KeyNotFoundException($"Outbox message {attempt.outboxId} does not exist.");
            }
            store._outbox[attempt.outboxId] = message with
            {
                Attempts = message.Attempts + 1,
                LastError = attempt.error,
                LastAttemptAt = attempt.attemptedAt,
                Status = attempt.delivered ? DeliveryStatus.Delivered : attempt.retryAt is null ? DeliveryStatus.Failed : DeliveryStatus.Pending,
                NextAttemptAt = attempt.delivered ? message.NextAttemptAt : attempt.retryAt ?? message.NextAttemptAt,
            };
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeliveryAsync(long outboxId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Locked((outboxId, now: StoredTime.Of(now)), static (store, requeue) =>
        {
            if (!store._outbox.TryGetValue(requeue.outboxId, out var message))
            {
                throw new KeyNotFoundException($"Outbox message {requeue.outboxId} does not exist.");
            }
            // Only a finished message goes back: a pending one may be leased by a dispatcher right now.
            if (message.Status == DeliveryStatus.Pending)
            {
                return false;
            }
            store._outbox[requeue.outboxId] = message with { Status = DeliveryStatus.Pending, NextAttemptAt = requeue.now };
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListDeliveriesAsync(Guid jobId, CancellationToken cancellationToken) =>
        Locked<Guid, IReadOnlyList<OutboxMessage>>(
            jobId, static (store, id) => store._outbox.Values.Where(message => message.JobId == id).ToList(), cancellationToken);
}
