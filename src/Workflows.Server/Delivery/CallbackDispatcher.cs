using Workflows.Engine.Diagnostics;
using Workflows.Server.Observability;
using Microsoft.Extensions.Options;
using Workflows.Security;
using Workflows.Engine.Storage;

namespace Workflows.Server.Delivery;

/// <summary>
/// Delivers the durable outbox: claims due callbacks, POSTs them, and records every attempt; failures are
/// retried with exponential backoff for <see cref="DeliveryOptions.RetryPeriod"/>. Because the outbox is in
/// the store, a restart loses nothing.
/// </summary>
internal sealed partial class CallbackDispatcher(
    IJobStore store,
    IHttpClientFactory httpClients,
    WebhookSecrets secrets,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<CallbackDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "callbacks";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                var due = await store.ClaimDueDeliveriesAsync(time.GetUtcNow(), 32, options.Value.ClaimLease, stoppingToken);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken }, DeliverAsync);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async ValueTask DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        // In the job's trace: the POST carries its traceparent (HttpClient instrumentation, under this span).
        // Started here, not in an async helper: the ambient span a helper sets would not outlive its return.
        using var span = DeliveryTracing.Start(message, await DeliveryTracing.ParentAsync(store, message, cancellationToken));
        string error;
        var retryable = true;
        TimeSpan? retryAfter = null;
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.AttemptTimeout);
            using var request = await SignedRequestAsync(message, timeout.Token);
            using var response = await client.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await store.RecordDeliveryAttemptAsync(message.Id, true, null, null, CancellationToken.None);
                EngineTelemetry.RecordDelivery(message.Kind, "delivered");
                return;
            }

            var status = (int)response.StatusCode;
            error = $"HTTP {status}";
            // Standard Webhooks: retry on 408, 429 and 5xx; any other answer is the receiver's final word.
            retryable = status is 408 or 429 or >= 500;
            retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // shutting down: the lease expires and the next start retries it
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            error = ex is OperationCanceledException ? "timed out" : ex.Message;
        }

        var now = time.GetUtcNow();
        var retryAt = retryable ? now + Backoff(message.Attempts, retryAfter) : (DateTimeOffset?)null;
        if (retryAt >= message.CreatedAt + options.Value.RetryPeriod)
        {
            retryAt = null;
        }

        EngineTelemetry.RecordDelivery(message.Kind, retryAt is null ? "failed" : "retry");
        span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error);
        LogAttemptFailed(logger, message.DeliveryId, message.JobId, error, retryAt);
        await store.RecordDeliveryAttemptAsync(message.Id, false, error, retryAt, CancellationToken.None);
    }

    private Task<HttpRequestMessage> SignedRequestAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        WebhookRequest.CreateAsync(message.Url, message.DeliveryId, message.Payload, message.OrganizationId, secrets, time, cancellationToken);

    /// <summary>Exponential backoff with ±20% jitter, at least what the receiver's Retry-After asks for.</summary>
    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var exponential = Math.Min(
            options.Value.MaxBackoff.Ticks,
            options.Value.InitialBackoff.Ticks * (1L << Math.Min(attempts, 30)));
        var jittered = TimeSpan.FromTicks((long)(exponential * (0.8 + (Random.Shared.NextDouble() * 0.4))));
        return retryAfter is { } asked && asked > jittered ? TimeSpan.FromTicks(Math.Min(asked.Ticks, options.Value.MaxBackoff.Ticks)) : jittered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of job {JobId} failed ({Error}); next attempt at {RetryAt}")]
    private static partial void LogAttemptFailed(ILogger logger, string deliveryId, Guid jobId, string error, DateTimeOffset? retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling the delivery outbox failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
