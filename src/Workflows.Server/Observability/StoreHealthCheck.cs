using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Engine.Storage;

namespace Workflows.Server.Observability;

/// <summary>
/// Ready when the store answers a real query (a job lookup) within <see cref="Timeout"/>: a database that is down, or
/// too slow to serve a run, makes <c>/healthz/ready</c> and gRPC health report not serving.
/// </summary>
internal sealed class StoreHealthCheck(IJobStore store, IConfiguration configuration) : IHealthCheck
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long the query may take (<c>Workflows:Health:StoreTimeout</c>, default 2 s).</summary>
    public TimeSpan Timeout => configuration.GetValue<TimeSpan?>("Workflows:Health:StoreTimeout") ?? DefaultTimeout;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            // A lookup of an id no job has: one indexed read, through the same path as every job read.
            await store.GetJobAsync(Guid.Empty, timeout.Token).WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy("the store answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the store did not answer within {Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message only: connection strings and stack traces stay out of the probe's answer.
            return HealthCheckResult.Unhealthy("the store is unreachable: " + ex.GetType().Name);
        }
    }
}
