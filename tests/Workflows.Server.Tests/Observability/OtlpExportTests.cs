using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// OTLP export switched on by the standard variables alone, to a real OTLP/HTTP receiver on loopback: the job's spans and
/// the engine's metrics arrive as protobuf.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Otlp_EndpointSet_SpansAndMetricsReachTheReceiver()
    {
        await using var receiver = await LoopbackRecorder.StartAsync();
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "workflows-otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        using var http = server.Rest(server.Token("default"));

        var run = await http.PostJsonAsync("/v1/runs", new JsonObject { ["appId"] = "blog", ["variables"] = new JsonObject { ["topic"] = "otlp" }, ["wait"] = "20s" });
        Assert.Equal(HttpStatusCode.OK, run.Status);
        var jobId = (string)run.Json["job"]!["id"]!;

        var traces = await receiver.WaitForAsync(r => r.Path == "/v1/traces" && r.BodyContains(jobId), Timeout);
        Assert.Equal("POST", traces.Method);
        Assert.Equal("application/x-protobuf", traces.Headers["content-type"]);
        Assert.True(traces.BodyContains("workflow.run"), "the job's span is in the export");
        Assert.True(traces.BodyContains("workflows-otlp-test"), "OTEL_SERVICE_NAME names the service");
        var metrics = await receiver.WaitForAsync(r => r.Path == "/v1/metrics" && r.BodyContains("workflows.jobs.finished"), Timeout);
        Assert.True(metrics.BodyContains("workflows.block.duration"), "the engine's instruments are exported");
    }
}
