using System.Net;
using System.Text.Json.Nodes;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Compatibility;

/// <summary>
/// The vendor's newer npm SDK (<c>@mindstudio-ai/agent</c>, pinned in npm/package.json) works unchanged against this
/// server given its origin as base URL, through npm/agent-check.mjs: agents, the async run and its poll, errors, direct
/// steps against a loopback model, batches, the account, and an upload downloaded again.
/// </summary>
public sealed class AgentSdkTests
{
    [Fact]
    public async Task AgentSdk_Unchanged_RunsAgentsStepsAndUploads()
    {
        await using var model = await FakeOpenAiServer.StartAsync();
        model.Chunks = ["Hello", ", ", "Ada"];
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Models:Providers:fake:Endpoint"] = model.Endpoint,
            ["Workflows:Models:Providers:fake:ApiKey"] = "test-key",
            ["Workflows:Models:Providers:fake:Model"] = "fake-chat-1",
            ["Workflows:Models:Prices:fake-chat-1:InputPerMillion"] = "1000",
            ["Workflows:Models:Prices:fake-chat-1:OutputPerMillion"] = "2000",
            ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
        });
        var token = server.Token("default");

        var output = await NodeScripts.RunAsync("agent-check.mjs", new Dictionary<string, string> { ["TOKEN"] = token }, server.RestUrl);
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        var agents = report["agents"]!;
        Assert.Equal("default", (string?)agents["orgId"]);
        var blog = Assert.Single(agents["apps"]!.AsArray(), a => (string?)a!["id"] == "blog")!;
        Assert.Equal("blog-writer", (string?)blog["slug"]);
        Assert.Equal("Writes a short blog post.", (string?)blog["description"]);

        var run = report["run"]!;
        Assert.True((bool?)run["success"]);
        Assert.Equal("ASSISTANT WILL WRITE A CALM POST ABOUT: OTTERS", (string?)run["result"]);
        Assert.Equal((string?)run["threadId"], (string?)run["thread"]!["id"]);
        Assert.Equal(0, (decimal?)run["billingCost"]);

        Assert.Equal(404, (int?)report["unknownApp"]!["error"]!["status"]);
        Assert.Equal("not_found", (string?)report["unknownApp"]!["error"]!["code"]);
        Assert.Contains("no-such-app", (string?)report["unknownApp"]!["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(401, (int?)report["badKey"]!["error"]!["status"]);
        Assert.Equal("unauthorized", (string?)report["badKey"]!["error"]!["code"]);

        Assert.Equal("default", (string?)report["userInfo"]!["organizationId"]);
        Assert.Equal("fake-chat-1", (string?)Assert.Single(report["models"]!["models"]!.AsArray())!["id"]);

        var text = report["generateText"]!;
        Assert.Equal("Hello, Ada", (string?)text["content"]);
        Assert.True(Guid.TryParse((string?)text["$threadId"], out _));
        // 12 prompt and 5 completion tokens at 1000 and 2000 per million.
        Assert.Equal(0.022, (double?)text["$billingCost"]);
        Assert.Equal("Say hello to {{name}}", model.Requests[0].Message("user"));

        Assert.True((bool?)report["httpRequest"]!["ok"], report["httpRequest"]!.ToJsonString());
        Assert.Equal(200, (int?)report["httpRequest"]!["status"]);
        Assert.Equal(400, (int?)report["unsupported"]!["error"]!["status"]);
        Assert.Equal("invalid_request", (string?)report["unsupported"]!["error"]!["code"]);
        Assert.Contains("'generateImage'", (string?)report["unsupported"]!["error"]!["message"], StringComparison.Ordinal);

        var batch = report["batch"]!["results"]!.AsArray();
        Assert.Equal("echoed", (string?)batch[0]!["output"]!["content"]);
        Assert.Equal(200, (int?)batch[1]!["output"]!["status"]);
        // A 4xx answer is the step's output, as the vendor's step gives it, not a failed step.
        Assert.False((bool?)batch[2]!["output"]!["ok"]);
        Assert.Equal(401, (int?)batch[2]!["output"]!["status"]);
        Assert.Equal("Unauthorized", (string?)batch[2]!["output"]!["statusText"]);
        Assert.Contains("unauthorized", (string?)batch[2]!["output"]!["response"], StringComparison.Ordinal);

        var upload = report["upload"]!;
        Assert.Equal(200, (int?)upload["status"]);
        Assert.Equal("uploaded through the vendor SDK\n", (string?)upload["text"]);
        Assert.Equal(401, (int?)upload["withoutKey"]);
        Assert.StartsWith(server.RestUrl + "/developer/v2/uploads/", (string?)upload["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsLoad_OverTheRate_429RateLimitedWithRetryAfterAndNoZeroConcurrency()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Limits:RequestsPerSecond"] = "1",
            ["Workflows:Limits:Burst"] = "2",
        });
        using var client = server.Rest(server.Token("default"));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await client.GetAsync("/developer/v2/agents/load"));
        }

        var refused = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.ToString());
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("rate_limited", (string?)body["code"]);
        Assert.Contains("requests per second", (string?)body["message"], StringComparison.Ordinal);
        // The SDK takes this header as its concurrency limit: 0 would queue every later call for ever.
        Assert.All(answers, a => Assert.False(
            a.Headers.TryGetValues("x-ratelimit-concurrency-limit", out var values) && values.Contains("0")));
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task Poll_UnknownToken_404WithoutAuthorization()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>());
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.RestUrl) };

        using var response = await anonymous.GetAsync("/developer/v2/agents/run/poll/not-a-token");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (string?)body["code"]);
    }
}
