using System.Globalization;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// A job's durable deliveries (its callback) as the APIs show them, and redelivery. The caller checks that the job is
/// visible to it first; this class only ever touches that job's own deliveries.
/// </summary>
public sealed class DeliveryService(IJobStore store, TimeProvider time)
{
    /// <summary>The job's deliveries, oldest first.</summary>
    public Task<IReadOnlyList<OutboxMessage>> ListAsync(JobRecord job, CancellationToken cancellationToken) =>
        store.ListDeliveriesAsync(job.Id, cancellationToken);

    /// <summary>
    /// Sends a delivered or failed delivery of the job again: pending, with its next attempt now. 404 when the job has
    /// no delivery with that id (another job's included); 409 when it is still pending.
    /// </summary>
    public async Task<OutboxMessage> RedeliverAsync(JobRecord job, string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await FindAsync(job, deliveryId, cancellationToken);
        if (!await store.RequeueDeliveryAsync(delivery.Id, time.GetUtcNow(), cancellationToken))
        {
            throw new EngineException(
                EngineErrorKind.FailedPrecondition,
                string.Create(CultureInfo.InvariantCulture, $"delivery '{deliveryId}' is still pending; its next attempt is due at {delivery.NextAttemptAt:O}"));
        }

        return await FindAsync(job, deliveryId, cancellationToken);
    }

    private async Task<OutboxMessage> FindAsync(JobRecord job, string deliveryId, CancellationToken cancellationToken)
    {
        var deliveries = await store.ListDeliveriesAsync(job.Id, cancellationToken);
        return deliveries.LastOrDefault(d => d.DeliveryId == deliveryId)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"delivery '{deliveryId}' of job '{job.Id}' not found");
    }
}
