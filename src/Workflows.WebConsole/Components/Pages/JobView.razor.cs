using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Workflows.Contracts.V1;
using Workflows.WebConsole.Components.Shared;
using Workflows.WebConsole.Internal;

namespace Workflows.WebConsole.Components.Pages;

/// <summary>
/// The run view: the job, followed live over WatchJob. A dropped stream is opened again after the last sequence seen
/// (<c>afterSequence</c>), so nothing is lost or shown twice; the stream ends by itself after the terminal event.
/// </summary>
public sealed partial class JobView
{
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(60);

    private RunTimeline _timeline = new();
    private Job? _job;
    private GetJobResultsResponse? _results;
    private List<Delivery> _deliveries = [];
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private List<FieldSpec> _signalFields = [];
    private VariableFields? _signalForm;
    private CancellationTokenSource? _watch;
    private string? _loadedJobId;
    // Null until the user picks one: the select then shows its first block, which is what "Rerun from block" uses.
    private string? _fromBlock;
    private string? _error;
    private string? _actionError;
    private string? _signalError;
    private string _watchStatus = "connecting";
    private bool _notFound;
    private bool _busy;
    private bool _renderPending;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Inject]
    internal ConsoleSession Session { get; set; } = default!;

    [Inject]
    internal ConsoleApi Api { get; set; } = default!;

    [Inject]
    internal NavigationManager Nav { get; set; } = default!;

    [Parameter]
    public string JobId { get; set; } = "";

    private bool Ended => _timeline.Ended || _job?.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    private string StateName => _timeline.TerminalEvent switch
    {
        "job_succeeded" => "succeeded",
        "job_failed" => "failed",
        "job_cancelled" => "cancelled",
        _ => _timeline.Waiting is not null ? "waiting" : ConsoleText.State(_job!.State),
    };

    private string? ErrorText => _timeline.Error ?? (_job is { Error.Length: > 0 } ? _job.Error : null);

    private TimeSpan? RunDuration => _timeline.Started is { } start ? (_timeline.Finished ?? _now) - start : null;

    private string CostText =>
        _results is { BillingCost.Length: > 0 } ? "$" + _results.BillingCost : "$" + _timeline.Cost.ToString("0.######", CultureInfo.InvariantCulture);

    private string VariablesJson => _job?.Variables is { } v ? ConsoleJson.Format(v) : "{}";

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedJobId == JobId)
        {
            return;
        }

        // A new job in the same component (a rerun navigates here from another job): start over.
        await StopWatchingAsync();
        _loadedJobId = JobId;
        _timeline = new RunTimeline();
        _job = null;
        _results = null;
        _deliveries = [];
        _links.Clear();
        _notFound = false;
        _fromBlock = null;
        _error = _actionError = _signalError = null;
        try
        {
            _job = (await Api.Client.GetJobAsync(new GetJobRequest { JobId = JobId }, Session.Headers)).Job;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            // Another organisation's job is as unknown as one that never existed.
            _notFound = true;
            return;
        }
        catch (RpcException e)
        {
            _error = ApiErrors.Describe(e);
            return;
        }

        await LoadDeliveriesAsync();
        _watch = new CancellationTokenSource();
        _ = WatchAsync(JobId, _timeline, _watch.Token);
    }

    private async Task WatchAsync(string jobId, RunTimeline timeline, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested && !timeline.Ended)
        {
            try
            {
                using var call = Api.Client.WatchJob(
                    new WatchJobRequest { JobId = jobId, AfterSequence = timeline.LastSequence }, Session.Headers, cancellationToken: cancellationToken);
                _watchStatus = "live";
                await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    failures = 0;
                    timeline.Apply(response.Event);
                    if (response.Event.Type == "job_waiting")
                    {
                        _signalFields = FieldSpec.FromSchema(timeline.Waiting?.Fields.GetValueOrDefault("schema")?.StructValue).ToList();
                    }

                    RequestRender();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                _error = ApiErrors.Describe(e);
                _watchStatus = "stopped";
                RequestRender();
                return;
            }
            catch (RpcException)
            {
                // Dropped (server restart, network): resume after the last event seen, backing off up to 5 s.
                failures++;
            }

            if (!timeline.Ended)
            {
                _watchStatus = "reconnecting";
                RequestRender();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, Math.Min(failures, 5)))), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        if (timeline.Ended && !cancellationToken.IsCancellationRequested)
        {
            _watchStatus = "ended";
            await InvokeAsync(LoadFinishedAsync);
        }
    }

    private async Task LoadFinishedAsync()
    {
        try
        {
            _job = (await Api.Client.GetJobAsync(new GetJobRequest { JobId = JobId }, Session.Headers)).Job;
            _results = await Api.Client.GetJobResultsAsync(new GetJobResultsRequest { JobId = JobId }, Session.Headers);
            foreach (var artifact in _results.Artifacts)
            {
                if (await SignedLinkAsync(artifact.Fid) is { } link)
                {
                    _links[artifact.Fid] = link;
                }
            }
        }
        catch (RpcException e)
        {
            _error = ApiErrors.Describe(e);
        }

        await LoadDeliveriesAsync();
        _now = DateTimeOffset.UtcNow;
        StateHasChanged();
    }

    // An <img> or a download link cannot send the bearer token, so the page asks the service (with the token) for a
    // signed, expiring link, and keeps only its path and query: the browser then fetches it from this same origin.
    private async Task<string?> SignedLinkAsync(string fid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/files/{Uri.EscapeDataString(fid)}/link");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Session.Token);
        using var response = await Api.Rest.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("url", out var url) && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var absolute)
            ? absolute.PathAndQuery
            : null;
    }

    private async Task LoadDeliveriesAsync()
    {
        try
        {
            _deliveries = (await Api.Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = JobId }, Session.Headers)).Deliveries.ToList();
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied)
        {
            _deliveries = [];
        }
        catch (RpcException e)
        {
            _error = ApiErrors.Describe(e);
        }
    }

    // Model text can arrive many times a second; the page is drawn at most every RenderInterval.
    private void RequestRender()
    {
        if (_renderPending)
        {
            return;
        }

        _renderPending = true;
        _ = Task.Delay(RenderInterval).ContinueWith(
            _ => InvokeAsync(() =>
            {
                _renderPending = false;
                _now = DateTimeOffset.UtcNow;
                StateHasChanged();
            }),
            TaskScheduler.Default);
    }

    private async Task CancelAsync() => await ActAsync(async () =>
        _job = (await Api.Client.CancelJobAsync(new CancelJobRequest { JobId = JobId, Reason = "cancelled in the console" }, Session.Headers)).Job);

    private async Task RerunAsync(string? fromBlock) => await ActAsync(async () =>
    {
        var request = new RerunJobRequest { JobId = JobId, FromBlock = fromBlock ?? "" };
        var rerun = await Api.Client.RerunJobAsync(request, Session.Headers);
        Nav.NavigateTo(ConsoleLinks.Job(rerun.Job.Id));
    });

    private async Task RedeliverAsync(string deliveryId) => await ActAsync(async () =>
    {
        await Api.Client.RedeliverDeliveryAsync(new RedeliverDeliveryRequest { JobId = JobId, DeliveryId = deliveryId }, Session.Headers);
        await LoadDeliveriesAsync();
    });

    private async Task SendSignalAsync()
    {
        _signalError = null;
        Struct payload;
        try
        {
            payload = _signalForm?.ToStruct() ?? new Struct();
        }
        catch (FormatException e)
        {
            _signalError = e.Message;
            return;
        }

        var signal = WaitText(_timeline.Waiting!, "signal");
        _busy = true;
        try
        {
            await Api.Client.SignalJobAsync(new SignalJobRequest { JobId = JobId, Signal = signal, Payload = payload }, Session.Headers);
        }
        catch (RpcException e)
        {
            _signalError = ApiErrors.Describe(e);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ActAsync(Func<Task> action)
    {
        _actionError = null;
        _busy = true;
        try
        {
            await action();
        }
        catch (RpcException e)
        {
            _actionError = ApiErrors.Describe(e);
        }
        finally
        {
            _busy = false;
        }
    }

    private static string WaitText(Struct waiting, string key) =>
        waiting.Fields.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : "";

    private static string Time(Timestamp? time) =>
        time?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "";

    private async Task StopWatchingAsync()
    {
        if (_watch is not null)
        {
            await _watch.CancelAsync();
            _watch.Dispose();
            _watch = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopWatchingAsync();
}
