using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> of a server process of its own (the engine's instruments are per process, so no other test's runs
/// count), scraped after real runs: the counts match the runs made.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private const int Succeeding = 4;
    private const int Failing = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-metrics-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Metrics_AfterRealRuns_CountsMatchTheRuns()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var key = RandomNumberGenerator.GetBytes(32);
        var apps = Path.Combine(_root, "apps");
        TestHost.CopyApps(apps);
        Directory.CreateDirectory(Path.Combine(_root, "work"));
        using var server = ServerProcess.Start(Path.Combine(_root, "work"), new Dictionary<string, string>
        {
            ["Workflows:DataDir"] = Path.Combine(_root, "data"),
            ["Workflows:AppsDir"] = apps,
            ["Workflows:Auth:SigningKey"] = Convert.ToBase64String(key),
            ["Workflows:Observability:WaitingSampleInterval"] = "00:00:00.100",
        });
        await server.WaitUntilReadyAsync(limit.Token);
        var token = new TokenIssuer(key, TimeProvider.System).Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token;
        using var http = new HttpClient { BaseAddress = new Uri(server.RestUrl), Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        for (var i = 0; i < Succeeding; i++)
        {
            await RunAsync(http, new JsonObject { ["appId"] = "blog", ["variables"] = new JsonObject { ["topic"] = $"metrics {i}" } }, "JOB_STATE_SUCCEEDED");
        }

        for (var i = 0; i < Failing; i++)
        {
            // Loopback is not allowed outbound here: the request block fails, and the job with it.
            await RunAsync(http, new JsonObject { ["appId"] = "outbound", ["variables"] = new JsonObject { ["url"] = "http://127.0.0.1:9/" } }, "JOB_STATE_FAILED");
        }

        await RunAsync(http, new JsonObject { ["appId"] = "waits", ["workflow"] = "approve", ["variables"] = new JsonObject { ["pause"] = "1ms" } }, "JOB_STATE_WAITING");

        // Scrapes are cached briefly and the waiting gauge is sampled: poll until the numbers settle (or fail with the last).
        using var scraper = new HttpClient { BaseAddress = new Uri(server.RestUrl), Timeout = Timeout };
        PrometheusText? metrics = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await scraper.GetAsync(new Uri("/metrics", UriKind.Relative), limit.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            metrics = new PrometheusText(await response.Content.ReadAsStringAsync(limit.Token));
            if (metrics.Sum("workflows_jobs_waiting") == 1 && metrics.Sum("workflows_jobs_started_total") == Succeeding + Failing + 1)
            {
                break;
            }

            await Task.Delay(100, limit.Token);
        }

        Assert.NotNull(metrics);
        Assert.Equal(Succeeding + Failing + 1, metrics.Sum("workflows_jobs_started_total"));
        Assert.Equal(Succeeding, metrics.Sum("workflows_jobs_finished_total", ("state", "succeeded")));
        Assert.Equal(Failing, metrics.Sum("workflows_jobs_finished_total", ("state", "failed")));
        Assert.Null(metrics.Sum("workflows_jobs_finished_total", ("state", "cancelled")));
        Assert.Equal(Succeeding + Failing, metrics.Sum("workflows_job_duration_seconds_count"));
        Assert.Equal(Succeeding + Failing + 1, metrics.Sum("workflows_queue_delay_seconds_count"));
        Assert.True(metrics.HasType("workflows_queue_delay_seconds", "histogram"), "the queue delay is a histogram");
        Assert.Equal(Succeeding, metrics.Sum("workflows_block_duration_seconds_count", ("type", "script")));
        Assert.Equal(Succeeding, metrics.Sum("workflows_block_duration_seconds_count", ("type", "template")));
        Assert.Equal(Failing, metrics.Sum("workflows_block_duration_seconds_count", ("type", "http_request")));
        Assert.Equal(0, metrics.Sum("workflows_jobs_running"));
        Assert.Equal(1, metrics.Sum("workflows_jobs_waiting"));
        Assert.Equal(0, metrics.Sum("workflows_watchers"));
        // ASP.NET Core's and the runtime's own metrics come along.
        Assert.True(metrics.Sum("http_server_request_duration_seconds_count") >= Succeeding + Failing + 1, metrics.Text);
        Assert.NotNull(metrics.Sum("dotnet_gc_collections_total") ?? metrics.Sum("process_runtime_dotnet_gc_collections_count_total"));
    }

    private static async Task RunAsync(HttpClient http, JsonObject request, string expectedState)
    {
        request["wait"] = expectedState == "JOB_STATE_WAITING" ? "0s" : "20s";
        using var response = await http.PostAsync(new Uri("/v1/runs", UriKind.Relative),
            new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        if (expectedState == "JOB_STATE_WAITING")
        {
            // Started without waiting: read until it waits.
            var id = (string)body["job"]!["id"]!;
            var deadline = DateTime.UtcNow + Timeout;
            while ((string?)body["job"]?["state"] != expectedState && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                body = new JsonObject { ["job"] = JsonNode.Parse(await http.GetStringAsync(new Uri($"/v1/jobs/{id}", UriKind.Relative)))!["job"]?.DeepClone() };
            }
        }

        Assert.Equal(expectedState, (string?)body["job"]!["state"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Still held by a slow exit; the temp dir is cleaned by the OS.
        }
    }
}
