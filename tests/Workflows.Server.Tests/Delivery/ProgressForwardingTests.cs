using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Delivery;

/// <summary>
/// A job's progress URL gets its events: in order, signed like callbacks, batched while the receiver is slow, best
/// effort when it fails, ending with the terminal event.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ProgressForwardingTests(ServerFixture server)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private async Task<string> StartAsync(string progressUrl, string appId = "blog", JsonObject? variables = null)
    {
        using var client = server.Rest(server.AdminToken);
        var response = await client.PostJsonAsync("/v1/runs", new JsonObject
        {
            ["appId"] = appId,
            ["variables"] = variables ?? new JsonObject { ["topic"] = "progress" },
            ["progressUrl"] = progressUrl,
            ["wait"] = "0s",
        });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return (string)response.Json["job"]!["id"]!;
    }

    /// <summary>Every POST up to and including the one that carries the terminal event.</summary>
    private static async Task<List<ReceivedCallback>> ReceiveToEndAsync(CallbackReceiver receiver, string path)
    {
        var posts = new List<ReceivedCallback>();
        while (true)
        {
            var post = await receiver.NextAsync(path, Wait);
            posts.Add(post);
            if (!post.Failed && Events(post).Any(e => (string?)e["type"] is "job_succeeded" or "job_failed" or "job_cancelled"))
            {
                return posts;
            }
        }
    }

    private static List<JsonObject> Events(ReceivedCallback post) =>
        JsonNode.Parse(post.Body)!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();

    private static long Sequence(JsonNode ev) => long.Parse(ev["sequence"]!.ToString(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task ProgressUrl_JobRuns_EveryEventInOrderSignedAndAsWatchJobWritesIt()
    {
        var path = "/progress/" + Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(server.Callbacks.Url + path);

        var posts = await ReceiveToEndAsync(server.Callbacks, path);

        var events = posts.SelectMany(Events).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(Sequence));
        Assert.Equal("job_queued", (string?)events[0]["type"]);
        Assert.Equal("job_succeeded", (string?)events[^1]["type"]);
        foreach (var post in posts)
        {
            var body = JsonAssert.HasExactly(JsonNode.Parse(post.Body), "jobId", "events");
            Assert.Equal(jobId, (string?)body["jobId"]);
            Assert.Equal($"prg_{Guid.Parse(jobId):N}_{Sequence(Events(post)[0])}", post.Headers["webhook-id"]);
            Assert.Equal("application/json", post.Headers["content-type"]);
            WebhookAssert.Signed(server, post, "default");
        }

        using var client = server.Rest(server.AdminToken);
        var watched = (await client.GetAsync($"/v1/jobs/{jobId}:watch")).Content;
        var lines = (await watched.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, events.Count);
        for (var i = 0; i < lines.Length; i++)
        {
            var expected = JsonNode.Parse(lines[i])!["event"];
            Assert.True(JsonNode.DeepEquals(expected, events[i]), $"event {i + 1}: watch {expected?.ToJsonString()} vs progress {events[i].ToJsonString()}");
        }
    }

    [Fact]
    public async Task ProgressUrl_SlowReceiver_OnePostAtATimeAndTheRestInOneBatch()
    {
        var path = "/slow/" + Guid.NewGuid().ToString("N");
        await using var receiver = await CallbackReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = release.Task;
        // Gated, so the job's steps come in two bursts: the ones before the gate, then the rest.
        var gate = Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(receiver.Url + path, "gated", new JsonObject { ["gate"] = gate });

        var first = await receiver.NextAsync(path, Wait);
        GateBlock.Open(gate);
        // The job runs to its end while the receiver sits on the first POST; nothing else is sent meanwhile.
        var job = await server.WaitForEndAsync(server.AdminToken, jobId);
        release.SetResult();
        var rest = await ReceiveToEndAsync(receiver, path);

        var second = Assert.Single(rest);
        var firstEvents = Events(first);
        var secondEvents = Events(second);
        Assert.Equal(Sequence(firstEvents[^1]) + 1, Sequence(secondEvents[0]));
        Assert.Equal(job.LastSequence, Sequence(secondEvents[^1]));
        Assert.True(secondEvents.Count >= 3, $"the second batch carries only {secondEvents.Count} events");
        Assert.Equal($"prg_{Guid.Parse(jobId):N}_{Sequence(secondEvents[0])}", second.Headers["webhook-id"]);
    }

    [Fact]
    public async Task ProgressUrl_ReceiverFails_BatchRetriedThenDroppedAndTheNextOnesStillSent()
    {
        var path = "/failing/" + Guid.NewGuid().ToString("N");
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailuresLeft = 3;
        var gate = Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(receiver.Url + path, "gated", new JsonObject { ["gate"] = gate });

        // The steps before the gate are one batch, tried three times and dropped; the rest come after the gate opens.
        var posts = new List<ReceivedCallback>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            posts.Add(await receiver.NextAsync(path, Wait));
        }

        GateBlock.Open(gate);
        posts.AddRange(await ReceiveToEndAsync(receiver, path));

        Assert.True(posts.Count >= 4, $"only {posts.Count} POSTs");
        Assert.Equal([true, true, true], posts.Take(3).Select(p => p.Failed));
        Assert.Single(posts.Take(3).Select(p => p.Headers["webhook-id"]).Distinct());
        Assert.Single(posts.Take(3).Select(p => p.Body).Distinct());
        var dropped = Events(posts[0]);
        var delivered = posts.Skip(3).SelectMany(Events).ToList();
        Assert.Equal(Sequence(dropped[^1]) + 1, Sequence(delivered[0]));
        Assert.Equal(
            Enumerable.Range(0, delivered.Count).Select(i => Sequence(delivered[0]) + i),
            delivered.Select(Sequence));
        Assert.Equal(jobId, (string?)JsonNode.Parse(posts[^1].Body)!["jobId"]);
    }

    [Fact]
    public async Task WorkersRun_ProgressUrl_EventsPostedToTheEnd()
    {
        var path = "/workers/" + Guid.NewGuid().ToString("N");
        using var client = server.Rest(server.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/workers/run", new JsonObject
        {
            ["workerId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "progress" },
            ["progressUrl"] = server.Callbacks.Url + path,
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var threadId = (string)response.Json["threadId"]!;
        var posts = await ReceiveToEndAsync(server.Callbacks, path);
        Assert.All(posts, p => Assert.Equal(threadId, (string?)JsonNode.Parse(p.Body)!["jobId"]));
        Assert.Equal("job_queued", (string?)Events(posts[0])[0]["type"]);
    }
}
