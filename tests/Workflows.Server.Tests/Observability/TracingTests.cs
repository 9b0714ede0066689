using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Workflows.Engine.Diagnostics;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// Spans of real runs on a real server, read with the in-memory exporter: the caller's traceparent parents the job, blocks
/// are children of the job, outbound requests and callbacks carry the trace, and a resumed job continues its trace.
/// </summary>
public sealed class TracingTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly SpanCollector _spans = new();
    private LoopbackRecorder _recorder = null!;
    private InProcessServer _server = null!;

    public async Task InitializeAsync()
    {
        _recorder = await LoopbackRecorder.StartAsync();
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Workflows:Outbound:Allow:0"] = "127.0.0.1" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _recorder.DisposeAsync();
    }

    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task Run_CallerTraceparent_JobBlocksOutboundRequestAndCallbackShareTheTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var http = _server.Rest(_server.Token("default"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs")
        {
            Content = JsonContent(new JsonObject
            {
                ["appId"] = "outbound",
                ["variables"] = new JsonObject { ["url"] = _recorder.Url + "/target" },
                ["callbackUrl"] = _recorder.Url + "/callback",
                ["wait"] = "30s",
            }),
        };
        // The caller's span: its HttpClient sends traceparent with the caller's trace (under an HTTP client span).
        using var caller = new Activity("caller").SetParentId(traceId, callerSpan, ActivityTraceFlags.Recorded).Start();
        using var response = await http.SendAsync(request);
        caller.Stop();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobId = (string)body["job"]!["id"]!;

        // The run's children are its two blocks and, once the outbox delivered it, the callback: count the blocks.
        var spans = await _spans.WaitForAsync(all => _spans.Runs(jobId).Count == 1 &&
            all.Count(s => s.ParentSpanId == _spans.Runs(jobId)[0].SpanId && s.DisplayName.StartsWith("block ", StringComparison.Ordinal)) == 2, Timeout);
        var run = _spans.Runs(jobId)[0];
        Assert.Equal(traceId, run.TraceId);
        // The job's parent is the request's server span, under the caller's client span, under the caller's span.
        var server = Assert.Single(spans, s => s.SpanId == run.ParentSpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);
        var client = Assert.Single(spans, s => s.SpanId == server.ParentSpanId);
        Assert.Equal((ActivityKind.Client, caller.SpanId), (client.Kind, client.ParentSpanId));
        Assert.Equal(("outbound", "main", "default"), (
            (string?)run.GetTagItem(EngineTelemetry.AppIdTag), (string?)run.GetTagItem(EngineTelemetry.WorkflowTag),
            (string?)run.GetTagItem(EngineTelemetry.OrganizationIdTag)));
        Assert.Equal("succeeded", run.GetTagItem(EngineTelemetry.StateTag));

        var blocks = spans.Where(s => s.ParentSpanId == run.SpanId && s.DisplayName.StartsWith("block ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(["block http_request", "block output"], blocks.Select(b => b.DisplayName));
        Assert.Equal(["call", "out"], blocks.Select(b => (string?)b.GetTagItem(EngineTelemetry.BlockIdTag)));
        Assert.All(blocks, b => Assert.Equal(traceId, b.TraceId));

        // The block's request carries the trace: its parent is the HTTP client span under the block's span.
        var target = await _recorder.WaitForAsync(r => r.Path == "/target", Timeout);
        var outbound = ActivityContext.Parse(target.TraceParent!, null);
        Assert.Equal(traceId, outbound.TraceId);
        spans = await _spans.WaitForAsync(all => all.Any(s => s.SpanId == outbound.SpanId), Timeout);
        Assert.Equal(blocks[0].SpanId, spans.Single(s => s.SpanId == outbound.SpanId).ParentSpanId);

        // So does the callback, delivered later from the outbox: it reads the job's trace from the store.
        var callback = await _recorder.WaitForAsync(r => r.Path == "/callback", Timeout);
        Assert.Equal(traceId, ActivityContext.Parse(callback.TraceParent!, null).TraceId);
        spans = await _spans.WaitForAsync(all => all.Any(s => s.DisplayName == "callback.deliver" && s.TraceId == traceId), Timeout);
        Assert.Equal(run.SpanId, spans.Single(s => s.DisplayName == "callback.deliver" && s.TraceId == traceId).ParentSpanId);
    }

    [Fact]
    public async Task Resume_AfterWaitAndSignal_EachRunContinuesTheTraceWithALinkToTheLast()
    {
        using var http = _server.Rest(_server.Token("default"));
        var started = await http.PostJsonAsync("/v1/runs", new JsonObject { ["appId"] = "waits", ["workflow"] = "approve", ["wait"] = "0s" });
        Assert.Equal(HttpStatusCode.OK, started.Status);
        var jobId = (string)started.Json["job"]!["id"]!;

        // Runs until the signal wait (the 1 ms delay may suspend it once before that).
        await _spans.WaitForAsync(_ => _spans.Runs(jobId).Any(r => (string?)r.GetTagItem(EngineTelemetry.StateTag) == "waiting")
            && _spans.Runs(jobId).All(r => r.Duration > TimeSpan.Zero), Timeout);
        var signal = await http.PostJsonAsync($"/v1/jobs/{jobId}/signals/approval", new JsonObject { ["approved"] = true });
        Assert.Equal(HttpStatusCode.OK, signal.Status);
        await _spans.WaitForAsync(_ => _spans.Runs(jobId).Any(r => (string?)r.GetTagItem(EngineTelemetry.StateTag) == "succeeded"), Timeout);

        var runs = _spans.Runs(jobId);
        Assert.True(runs.Count >= 2, $"{runs.Count} runs");
        Assert.False((bool?)runs[0].GetTagItem(EngineTelemetry.ResumedTag));
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.Equal(runs[0].TraceId, runs[i].TraceId);
            Assert.Equal(runs[i - 1].SpanId, runs[i].ParentSpanId);
            var link = Assert.Single(runs[i].Links);
            Assert.Equal(runs[i - 1].SpanId, link.Context.SpanId);
            Assert.True((bool?)runs[i].GetTagItem(EngineTelemetry.ResumedTag));
        }
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
