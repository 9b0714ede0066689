using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>
/// A job's deliveries: any token that sees the job may list them; only an admin token may redeliver, because a
/// redelivery makes the server send a request again (see docs/security.md).
/// </summary>
internal sealed partial class WorkflowApi
{
    public override async Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context)
    {
        var job = await jobs.GetVisibleJobAsync(Caller.From(context), request.JobId, context.CancellationToken);
        var response = new ListDeliveriesResponse();
        response.Deliveries.AddRange((await deliveries.ListAsync(job, context.CancellationToken)).Select(DeliveryMapper.ToProto));
        return response;
    }

    public override async Task<RedeliverDeliveryResponse> RedeliverDelivery(RedeliverDeliveryRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureAdmin();
        var job = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken);
        var delivery = await deliveries.RedeliverAsync(job, request.DeliveryId, context.CancellationToken);
        return new RedeliverDeliveryResponse { Delivery = DeliveryMapper.ToProto(delivery) };
    }
}
