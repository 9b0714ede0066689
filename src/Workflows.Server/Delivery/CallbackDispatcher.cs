using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
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
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<CallbackDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "callbacks";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                var due = await store.ClaimDueDeliveriesAsync(time.GetUtcNow(), 32, Lease, stoppingToken);
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
        string? error;
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.AttemptTimeout);
            using var content = new StringContent(message.Payload, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = content };
            request.Headers.TryAddWithoutValidation("webhook-id", message.DeliveryId);
            using var response = await client.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await store.RecordDeliveryAttemptAsync(message.Id, true, null, null, CancellationToken.None);
                return;
            }

            error = $"HTTP {(int)response.StatusCode}";
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
        var backoff = TimeSpan.FromTicks(Math.Min(
            options.Value.MaxBackoff.Ticks,
            options.Value.InitialBackoff.Ticks * (1L << Math.Min(message.Attempts, 20))));
        DateTimeOffset? retryAt = now + backoff < message.CreatedAt + options.Value.RetryPeriod ? now + backoff : null;
        LogAttemptFailed(logger, message.DeliveryId, message.JobId, error, retryAt);
        await store.RecordDeliveryAttemptAsync(message.Id, false, error, retryAt, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of job {JobId} failed ({Error}); next attempt at {RetryAt}")]
    private static partial void LogAttemptFailed(ILogger logger, string deliveryId, Guid jobId, string error, DateTimeOffset? retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling the delivery outbox failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
