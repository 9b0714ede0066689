using Workflows.Engine.Diagnostics;
using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;
using Workflows.Security;
using Workflows.Engine.Storage;
using Workflows.Server.Api.Mapping;

namespace Workflows.Server.Delivery;

/// <summary>
/// POSTs a job's events to its progress URL while it runs in this process: in order, one POST at a time per job,
/// each carrying every event stored since the previous one (at most <see cref="DeliveryOptions.ProgressBatchSize"/>),
/// so a slow receiver gets fewer, larger batches instead of a backlog. Signed like callbacks. Best effort: a POST is
/// retried a few times and then dropped (logged), and forwarding ends after the terminal event.
/// </summary>
internal sealed partial class ProgressForwarder(
    IJobStore store,
    JobEventHub hub,
    IHttpClientFactory httpClients,
    WebhookSecrets secrets,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<ProgressForwarder> logger) : IJobRunListener, IHostedService, IDisposable
{
    // The same JSON as WatchJob's events over REST: proto JSON names, default values written.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    // The hub is only a wake-up; the store is read again at least this often in case a wake-up was missed.
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, Task> _forwarding = new();
    private readonly CancellationTokenSource _stopping = new();

    public void JobRunning(JobRecord job)
    {
        if (string.IsNullOrEmpty(job.ProgressUrl) || _stopping.IsCancellationRequested)
        {
            return;
        }

        // Added before it starts, so its own cleanup always finds it.
        var run = new Task<Task>(() => ForwardAsync(job, _stopping.Token));
        if (_forwarding.TryAdd(job.Id, run.Unwrap()))
        {
            run.Start(TaskScheduler.Default);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_forwarding.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task ForwardAsync(JobRecord job, CancellationToken cancellationToken)
    {
        try
        {
            // Subscribe before reading the store so an event committed in between still wakes us.
            using var subscription = hub.Subscribe(job.Id);
            var last = 0L;
            while (true)
            {
                var batch = await store.GetEventsAsync(job.Id, last, Math.Max(1, options.Value.ProgressBatchSize), cancellationToken);
                if (batch.Count == 0)
                {
                    await WaitForMoreAsync(subscription, cancellationToken);
                    continue;
                }

                var refused = !await PostAsync(job, batch, cancellationToken);
                last = batch[^1].Sequence;
                if (refused || batch.Any(e => e.IsTerminal))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: a restart resumes the job and forwards its events again from the first.
        }
        catch (Exception ex)
        {
            LogForwardingFailed(logger, job.Id, ex);
        }
        finally
        {
            _forwarding.TryRemove(job.Id, out _);
        }
    }

    private static async Task WaitForMoreAsync(JobSubscription subscription, CancellationToken cancellationToken)
    {
        using var recheck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recheck.CancelAfter(Recheck);
        try
        {
            await subscription.Reader.WaitToReadAsync(recheck.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing for a while: look at the store anyway.
        }

        // What woke us is only a hint; the store has every event in order.
        while (subscription.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Sends one batch (retrying a few times); false when the guard refuses the URL, which no retry changes.</summary>
    private async Task<bool> PostAsync(JobRecord job, IReadOnlyList<JobEvent> batch, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var webhookId = $"prg_{job.Id:N}_{batch[0].Sequence}";
        var payload = Payload(job.Id, batch);
        var attempts = Math.Max(1, settings.ProgressAttempts);
        var error = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(settings.ProgressRetryDelay * (1 << Math.Min(attempt - 2, 10)), time, cancellationToken);
            }

            bool retryable;
            try
            {
                using var client = httpClients.CreateClient(CallbackDispatcher.HttpClientName);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.AttemptTimeout);
                using var request = await WebhookRequest.CreateAsync(
                    job.ProgressUrl!, webhookId, payload, job.OrganizationId, secrets, time, timeout.Token);
                using var response = await client.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    EngineTelemetry.RecordDelivery("progress", "delivered");
                    return true;
                }

                var status = (int)response.StatusCode;
                error = $"HTTP {status}";
                // As for callbacks (Standard Webhooks): 408, 429 and 5xx are worth another try, other answers are final.
                retryable = status is 408 or 429 or >= 500;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
            {
                if (Blocks.Net.OutboundRefusedException.Find(ex) is { } refused)
                {
                    // The URL passed the check when the run was requested; its host now resolves somewhere refused.
                    LogRefused(logger, job.Id, refused.Message);
                    return false;
                }

                error = ex is OperationCanceledException ? "timed out" : ex.Message;
                retryable = true;
            }

            if (!retryable)
            {
                attempts = attempt;
                break;
            }
        }

        EngineTelemetry.RecordDelivery("progress", "dropped");
        LogBatchDropped(logger, webhookId, job.Id, batch.Count, attempts, error);
        return true;
    }

    /// <summary><c>{"jobId": "...", "events": [...]}</c>, each event exactly as WatchJob writes it over REST.</summary>
    internal static string Payload(Guid jobId, IReadOnlyList<JobEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jobId", jobId.ToString());
            writer.WriteStartArray("events");
            foreach (var ev in events)
            {
                // Transcoding writes int64 as JSON numbers (GrpcJsonSettings.WriteInt64sAsStrings is off), Google.Protobuf
                // as strings; `sequence` is the only int64 of an event (Struct numbers are doubles anyway).
                var json = JsonNode.Parse(Formatter.Format(JobMapper.ToProto(ev)))!.AsObject();
                json["sequence"] = ev.Sequence;
                json.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Progress batch {WebhookId} of job {JobId} ({Count} events) dropped after {Attempts} attempts: {Error}")]
    private static partial void LogBatchDropped(ILogger logger, string webhookId, Guid jobId, int count, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Progress forwarding of job {JobId} stopped: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Progress forwarding of job {JobId} stopped")]
    private static partial void LogForwardingFailed(ILogger logger, Guid jobId, Exception exception);
}
