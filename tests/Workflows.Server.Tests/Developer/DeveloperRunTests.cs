using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Developer;

[Collection(ServerCollection.Name)]
public sealed class DeveloperRunTests(ServerFixture fixture)
{
    private static readonly string[] RunKeys = ["success", "threadId", "thread", "result", "billingCost"];

    private static readonly string[] ThreadKeys =
    [
        "id", "appId", "organizationId", "entryWorkflowId", "source", "name", "variables",
        "isRunning", "isFinished", "error", "posts", "dateCreated", "dateLastMessage",
    ];

    /// <summary>Asserts a finished blog run as dialect 1 returns it (and POSTs it to callbacks).</summary>
    private static void AssertBlogRun(JsonNode? body, string topic)
    {
        var run = JsonAssert.HasExactly(body, RunKeys);
        Assert.True(run["success"]!.GetValue<bool>());
        Assert.Equal($"ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: {topic.ToUpperInvariant()}", run["result"]!.GetValue<string>());
        Assert.Equal(System.Text.Json.JsonValueKind.String, run["billingCost"]!.GetValueKind());
        var threadId = run["threadId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(threadId, out _));

        var thread = JsonAssert.HasAtLeast(run["thread"], ThreadKeys);
        Assert.Equal(threadId, thread["id"]!.GetValue<string>());
        Assert.Equal("blog", thread["appId"]!.GetValue<string>());
        Assert.Equal("default", thread["organizationId"]!.GetValue<string>());
        Assert.Equal("main", thread["entryWorkflowId"]!.GetValue<string>());
        Assert.Equal("api", thread["source"]!.GetValue<string>());
        Assert.Equal("Write a post", thread["name"]!.GetValue<string>());
        Assert.Equal(topic, thread["variables"]!["topic"]!.GetValue<string>());
        Assert.Equal("friendly", thread["variables"]!["tone"]!.GetValue<string>());
        Assert.False(thread["isRunning"]!.GetValue<bool>());
        Assert.True(thread["isFinished"]!.GetValue<bool>());
        Assert.Null(thread["error"]);
        Assert.True(thread.ContainsKey("error"));
        var posts = Assert.IsType<JsonArray>(thread["posts"]);
        Assert.Contains(posts, p => p!["content"]!.GetValue<string>() == run["result"]!.GetValue<string>());
        var created = DateTimeOffset.Parse(thread["dateCreated"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var last = DateTimeOffset.Parse(thread["dateLastMessage"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(last >= created);
    }

    [Fact]
    public async Task AppsRun_Sync_ReturnsFinishedThreadAndResult()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "dialect one" },
            ["includeBillingCost"] = true,
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.ContentType);
        AssertBlogRun(response.Json, "dialect one");
    }

    [Fact]
    public async Task AppsRun_BilledSteps_CostAndPostsOfTheRunEqualTheStoredOnes()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        // The sync answer comes from the run that just finished on this node (no store read)...
        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "priced",
            ["variables"] = new JsonObject { ["topic"] = "otters" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var run = JsonAssert.HasExactly(response.Json, RunKeys);
        Assert.Equal("0.0004635", run["billingCost"]!.GetValue<string>());
        var posts = run["thread"]!["posts"]!.AsArray().Select(p => (Id: (string?)p!["id"], Content: (string?)p["content"])).ToList();
        Assert.Equal(["draft about otters", "polished draft about otters"], posts.Select(p => p.Content));

        // ...and the job's results, read back from the store, say the same.
        var stored = await client.GetJsonAsync($"/v1/jobs/{run["threadId"]!.GetValue<string>()}/results");
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal("0.0004635", stored.Json!["billingCost"]!.GetValue<string>());
        Assert.Equal(posts, stored.Json["posts"]!.AsArray().Select(p => ((string?)p!["id"], (string?)p["content"])));
    }

    [Fact]
    public async Task WorkersRun_WithWorkerIdAndWorkflow_SameShape()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/workers/run", new JsonObject
        {
            ["workerId"] = "blog",
            ["workflow"] = "main",
            ["variables"] = new JsonObject { ["topic"] = "workers" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertBlogRun(response.Json, "workers");
    }

    [Fact]
    public async Task AppsRun_ObjectResult_ResultIsJsonObject()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "digest",
            ["variables"] = new JsonObject { ["text"] = "one two three four", ["words"] = 2 },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var result = JsonAssert.HasExactly(response.Json["result"], "title", "summary", "stats");
        Assert.Equal("One two three", result["title"]!.GetValue<string>());
        Assert.Equal("one two…", result["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppsRun_WithCallbackUrl_AcceptsAtOnceAndPostsTheSyncShape()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var path = "/callbacks/" + Guid.NewGuid().ToString("N");
        var sync = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "callback" },
        });

        var accepted = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "callback" },
            ["callbackUrl"] = fixture.Callbacks.Url + path,
        });

        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("""{"success":true,"callbackInProgress":true}""", accepted.Json.ToJsonString());
        var callback = await fixture.Callbacks.NextAsync(path, JobHelpers.Timeout);
        Assert.StartsWith("application/json", callback.Headers["content-type"], StringComparison.Ordinal);
        var body = JsonNode.Parse(callback.Body);
        AssertBlogRun(body, "callback");
        Assert.NotEqual(sync.Json["threadId"]!.GetValue<string>(), body!["threadId"]!.GetValue<string>());
        Assert.Equal(JsonAssert.Shape(sync.Json), JsonAssert.Shape(body));

        var job = await fixture.WaitForEndAsync(fixture.ExecToken, body["threadId"]!.GetValue<string>());
        Assert.Equal(fixture.Callbacks.Url + path, job.CallbackUrl);
    }

    [Fact]
    public async Task WorkersRun_WithCallbackUrl_PostsTheRunOfThatWorker()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var path = "/callbacks/" + Guid.NewGuid().ToString("N");

        var accepted = await client.PostJsonAsync("/developer/v2/workers/run", new JsonObject
        {
            ["workerId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "worker callback" },
            ["callbackUrl"] = fixture.Callbacks.Url + path,
        });

        Assert.Equal("""{"success":true,"callbackInProgress":true}""", accepted.Json.ToJsonString());
        var callback = await fixture.Callbacks.NextAsync(path, JobHelpers.Timeout);
        AssertBlogRun(JsonNode.Parse(callback.Body), "worker callback");
    }
}
