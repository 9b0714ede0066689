using System.Diagnostics;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Storage;

namespace Workflows.Server.Observability;

/// <summary>The span of one callback delivery attempt, in the trace of the job it reports.</summary>
internal static class DeliveryTracing
{
    /// <summary>The host's own spans (callback deliveries).</summary>
    public const string SourceName = "Workflows.Server";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The job's latest run (read from the store, which keeps its trace), to parent a delivery's span; default when
    /// nothing listens or the job has no trace.
    /// </summary>
    public static async Task<ActivityContext> ParentAsync(IJobStore store, OutboxMessage message, CancellationToken cancellationToken)
    {
        if (!Source.HasListeners())
        {
            return default;
        }

        try
        {
            if ((await store.GetJobAsync(message.JobId, cancellationToken))?.TraceParent is { } stored &&
                ActivityContext.TryParse(stored, null, isRemote: true, out var parent))
            {
                return parent;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tracing is best effort: a delivery never fails because its trace could not be found.
        }

        return default;
    }

    /// <summary>
    /// Starts <c>callback.deliver</c> under <paramref name="parent"/> as the ambient span (the POST then carries its
    /// <c>traceparent</c>), or returns null when nothing listens.
    /// </summary>
    public static Activity? Start(OutboxMessage message, ActivityContext parent)
    {
        var span = Source.StartActivity("callback.deliver", ActivityKind.Internal, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(EngineTelemetry.JobIdTag, message.JobId.ToString());
            span.SetTag(EngineTelemetry.OrganizationIdTag, message.OrganizationId);
            span.SetTag("workflows.delivery_id", message.DeliveryId);
            span.SetTag("workflows.delivery_kind", message.Kind);
        }

        return span;
    }
}
