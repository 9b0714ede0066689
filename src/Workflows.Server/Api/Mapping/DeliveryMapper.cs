using Google.Protobuf.WellKnownTypes;
using Workflows.Engine.Storage;
using Proto = Workflows.Contracts.V1;

namespace Workflows.Server.Api.Mapping;

/// <summary>Outbox messages to the API's <c>Delivery</c>; the payload stays inside (it is the job's result).</summary>
internal static class DeliveryMapper
{
    public static Proto.Delivery ToProto(OutboxMessage message)
    {
        var delivery = new Proto.Delivery
        {
            Id = message.DeliveryId,
            Kind = message.Kind,
            Url = message.Url,
            Status = message.Status switch
            {
                DeliveryStatus.Delivered => "delivered",
                DeliveryStatus.Failed => "failed",
                _ => "pending",
            },
            Attempts = message.Attempts,
            LastError = message.LastError ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(message.CreatedAt),
        };
        // A finished delivery has no next attempt; its stored next_attempt_at is only the last schedule.
        if (message.Status == DeliveryStatus.Pending)
        {
            delivery.NextAttemptTime = Timestamp.FromDateTimeOffset(message.NextAttemptAt);
        }

        if (message.LastAttemptAt is { } attempted)
        {
            delivery.LastAttemptTime = Timestamp.FromDateTimeOffset(attempted);
        }

        return delivery;
    }
}
