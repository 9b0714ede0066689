using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// The logs of a real server process: with the JSON console format (one setting) a line written while a job runs
/// carries its job_id and trace_id; and at the most verbose level nothing secret is ever written.
/// </summary>
public sealed class LogTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-logs-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentQueue<string> _lines = new();

    [Fact]
    public async Task JsonConsole_JobRuns_LogLineCarriesJobIdAndTraceId()
    {
        using var server = await StartAsync(new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Workflows.Engine.Jobs.JobRunner"] = "Debug",
        });
        using var http = Client(server, Token());

        var jobId = await RunBlogAsync(http, callbackUrl: null);

        var deadline = DateTime.UtcNow + Timeout;
        JsonObject? line = null;
        while (line is null && DateTime.UtcNow < deadline)
        {
            line = _lines.Where(l => l.StartsWith('{') && l.Contains(jobId, StringComparison.Ordinal))
                .Select(l => JsonNode.Parse(l)!.AsObject())
                .FirstOrDefault(l => l["Scopes"] is JsonArray);
            if (line is null)
            {
                await Task.Delay(20);
            }
        }

        Assert.True(line is not null, "no JSON log line with the job id: " + string.Join('\n', _lines.TakeLast(20)));
        Assert.Equal("Workflows.Engine.Jobs.JobRunner", (string?)line["Category"]);
        var scope = line["Scopes"]!.AsArray().OfType<JsonObject>().Single(s => s["job_id"] is not null);
        Assert.Equal(jobId, (string?)scope["job_id"]);
        Assert.Matches("^[0-9a-f]{32}$", (string?)scope["trace_id"]);
        // The delivery services log no error on a clean start: they poll the store only once it is migrated.
        // (The test apps hold one app with a test-only block, which the real server refuses with an error of its own.)
        var errors = _lines.Where(l => l.StartsWith('{') && l.Contains("\"Category\":\"Workflows.Server.Delivery", StringComparison.Ordinal)
            && JsonNode.Parse(l)?["LogLevel"]?.GetValue<string>() is "Error" or "Critical").ToList();
        Assert.True(errors.Count == 0, "errors logged: " + string.Join('\n', errors));
    }

    [Fact]
    public async Task Logs_AtTraceLevelWithAuthAndCallbacks_NeverHoldATokenOrSecret()
    {
        const string ModelKey = "sk-test-Zq8vN3yR5mW1kT7pL0aJ";
        await using var receiver = await LoopbackRecorder.StartAsync();
        using var server = await StartAsync(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:Console:FormatterName"] = "json",
            ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
            ["Workflows:Models:Providers:test:Endpoint"] = receiver.Url + "/v1",
            ["Workflows:Models:Providers:test:ApiKey"] = ModelKey,
            ["Workflows:Models:Providers:test:Model"] = "m",
        });
        var token = Token();
        using var http = Client(server, token);

        // A model call with the API key (the recorder is no model: the block fails once the request was made).
        var model = await http.PostAsync(new Uri("/v1/runs", UriKind.Relative), new StringContent(
            """{"appId":"llm","wait":"20s"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, model.StatusCode);
        var modelCall = await receiver.WaitForAsync(r => r.Path == "/v1/chat/completions", Timeout);
        Assert.Equal("Bearer " + ModelKey, modelCall.Headers["authorization"]);

        // An accepted token, a run with a signed callback, and a forged token (right shape, wrong key).
        var jobId = await RunBlogAsync(http, receiver.Url + "/callback");
        var callback = await receiver.WaitForAsync(r => r.Path == "/callback", Timeout);
        Assert.StartsWith("v1,", callback.Headers["webhook-signature"], StringComparison.Ordinal);
        var forged = new TokenIssuer(RandomNumberGenerator.GetBytes(32), TimeProvider.System)
            .Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token;
        using var forgedClient = Client(server, forged);
        using var refused = await forgedClient.GetAsync(new Uri($"/v1/jobs/{jobId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // One more request after the others, so everything they logged is written before it answers.
        using var last = await http.GetAsync(new Uri($"/v1/jobs/{jobId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);

        string webhookSecret;
        using (var secrets = new Storage.Sqlite.SqliteSecretStore(Path.Combine(_root, "data", "workflows.db")))
        {
            webhookSecret = await new WebhookSecrets(secrets, TimeProvider.System).CurrentAsync("default", CancellationToken.None);
        }
        var output = string.Join('\n', _lines);
        Assert.Contains(jobId, output, StringComparison.Ordinal); // it did log at this level
        Assert.True(_lines.Count > 50, $"only {_lines.Count} lines at Trace level");
        foreach (var (name, secret) in new[]
        {
            ("the bearer token", token),
            ("the forged token", forged),
            ("the token's signature", token[(token.LastIndexOf('.') + 1)..]),
            ("the signing key", Convert.ToBase64String(_key)),
            ("the webhook secret", webhookSecret),
            ("the webhook secret's key", webhookSecret[WebhookSecrets.Prefix.Length..]),
            ("the callback signature", callback.Headers["webhook-signature"]["v1,".Length..]),
            ("the model API key", ModelKey),
        })
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"{name} was logged");
        }
    }

    private async Task<ServerProcess> StartAsync(Dictionary<string, string> settings)
    {
        var apps = Path.Combine(_root, "apps");
        TestHost.CopyApps(apps);
        Directory.CreateDirectory(Path.Combine(apps, "llm"));
        File.WriteAllText(Path.Combine(apps, "llm", "app.yaml"), "id: llm\nname: LLM\ndescription: One model call.\n");
        File.WriteAllText(Path.Combine(apps, "llm", "main.flow"), "name: Ask\nblocks:\n  - id: ask\n    type: generate_text\n    prompt: hello\n");
        Directory.CreateDirectory(Path.Combine(_root, "work"));
        settings["Workflows:DataDir"] = Path.Combine(_root, "data");
        settings["Workflows:AppsDir"] = apps;
        settings["Workflows:Auth:SigningKey"] = Convert.ToBase64String(_key);
        var server = ServerProcess.Start(Path.Combine(_root, "work"), settings);
        server.Line += _lines.Enqueue;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.WaitUntilReadyAsync(limit.Token);
        return server;
    }

    private string Token() =>
        new TokenIssuer(_key, TimeProvider.System).Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token;

    private static HttpClient Client(ServerProcess server, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.RestUrl), Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string> RunBlogAsync(HttpClient http, string? callbackUrl)
    {
        var request = new JsonObject { ["appId"] = "blog", ["variables"] = new JsonObject { ["topic"] = "logs" }, ["wait"] = "20s" };
        if (callbackUrl is not null)
        {
            request["callbackUrl"] = callbackUrl;
        }

        using var response = await http.PostAsync(new Uri("/v1/runs", UriKind.Relative),
            new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("JOB_STATE_SUCCEEDED", (string?)body["job"]!["state"]);
        return (string)body["job"]!["id"]!;
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
