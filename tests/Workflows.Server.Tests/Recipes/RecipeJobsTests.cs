using System.Net;
using System.Text.Json.Nodes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Recipes;

[Collection(ServerCollection.Name)]
public sealed class RecipeJobsTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("5f0c7c1e-3a52-4f39-9d3e-6f1b2f3a4b5c")]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public async Task Results_UnknownOrMalformedJobId_404JobNotFound(string jobId)
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.ResultsAsync(jobId);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("""{"error":"Job not found"}""", response.Json.ToJsonString());
    }

    [Fact]
    public async Task Stop_GatedJob_EmptyObjectAndJobEndsStopped()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var gate = Guid.NewGuid().ToString("N");
        var jobId = await client.ExecAsync("gated", new JsonObject { ["json"] = new JsonObject { ["gate"] = gate } });
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        await fixture.GateStartDurableAsync(fixture.ExecToken, jobId);
        Assert.Equal("running", await client.ListedStateAsync(jobId));

        var stop = await client.PostJsonAsync("/api/v1/workflow/stop", new JsonObject { ["jobId"] = jobId });

        Assert.Equal(HttpStatusCode.OK, stop.Status);
        Assert.Equal("{}", stop.Json.ToJsonString());
        Assert.Equal("stopped", await client.PollUntilSettledAsync(jobId));
        var results = await client.ResultsAsync(jobId);
        Assert.False(results.Json["job"]!["success"]!.GetValue<bool>());
        Assert.Empty(results.Json["text"]!.AsArray());
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, jobId);
        Assert.Equal("job_cancelled", events[^1].Type);
    }

    [Fact]
    public async Task Stop_UnknownJob_404JobNotFound()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/api/v1/workflow/stop", new JsonObject { ["jobId"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("""{"error":"Job not found"}""", response.Json.ToJsonString());
    }

    [Fact]
    public async Task Jobs_LimitWithBookmark_PagesThroughEveryJobOnce_NewestFirst()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var started = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            started.Add(await client.ExecAsync("digest", new JsonObject { ["json"] = new JsonObject { ["text"] = $"page {i}" } }));
        }

        var ids = new List<string>();
        var bookmark = "";
        do
        {
            var response = await client.GetJsonAsync("/api/v1/workflow/jobs?limit=2&bookmark=" + Uri.EscapeDataString(bookmark));
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var jobs = response.Json["jobs"]!.AsArray();
            Assert.InRange(jobs.Count, 1, 2);
            ids.AddRange(jobs.Select(j => j!["id"]!.GetValue<string>()));
            bookmark = response.Json["bookmark"]?.GetValue<string>() ?? "";
            Assert.True(ids.Count < 100_000, "paging does not end");
        }
        while (bookmark.Length > 0);

        Assert.Equal(ids.Distinct().Count(), ids.Count);
        // The newest three are this test's, newest first.
        Assert.Equal(Enumerable.Reverse(started), ids.Take(3));

        var bad = await client.GetJsonAsync("/api/v1/workflow/jobs?bookmark=not-a-bookmark");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        var negative = await client.GetJsonAsync("/api/v1/workflow/jobs?limit=-1");
        Assert.Equal(HttpStatusCode.BadRequest, negative.Status);
    }

    [Fact]
    public async Task Workflows_LimitOneWithBookmark_PagesThroughEveryRecipeOnce()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var ids = new List<string>();
        var bookmark = "";
        do
        {
            var response = await client.GetJsonAsync("/api/v1/workflow/workflows?limit=1&bookmark=" + Uri.EscapeDataString(bookmark));
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var body = JsonAssert.HasExactly(response.Json, "recipes", "bookmark");
            var recipe = JsonAssert.HasExactly(Assert.Single(body["recipes"]!.AsArray()), "id", "name", "description", "launchVariables");
            ids.Add(recipe["id"]!.GetValue<string>());
            bookmark = body["bookmark"]!.GetValue<string>();
            Assert.True(ids.Count < 500, "paging does not end");
        }
        while (bookmark.Length > 0);

        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Superset(new HashSet<string> { "blog", "digest", "gated", "looping" }, ids.ToHashSet());

        using var all = fixture.Rest(fixture.ExecToken);
        var single = await all.GetJsonAsync("/api/v1/workflow/workflows");
        Assert.Equal(ids, single.Json["recipes"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        var blog = single.Json["recipes"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "blog");
        Assert.Equal("""["topic","tone"]""", blog!["launchVariables"]!.ToJsonString());
    }

    [Fact]
    public async Task Workflows_ExecTokenLimitedToDigest_OnlyDigest()
    {
        using var client = fixture.Rest(fixture.Token("default", "exec", "digest"));

        var response = await client.GetJsonAsync("/api/v1/workflow/workflows");

        Assert.Equal(["digest"], response.Json["recipes"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal("", response.Json["bookmark"]!.GetValue<string>());
    }

    [Fact]
    public async Task Jobs_OnlyTheCallersOrganisation()
    {
        var acmeApp = new PutAppRequest { AppId = "acme-echo" };
        acmeApp.Workflows["main"] = "name: Echo\nblocks:\n  - id: out\n    type: output\n    value: acme\n";
        await fixture.Grpc().PutAppAsync(acmeApp, ServerFixture.Bearer(fixture.AcmeToken), JobHelpers.Deadline());
        using var acme = fixture.Rest(fixture.AcmeToken);
        using var local = fixture.Rest(fixture.ExecToken);
        var acmeJob = await acme.ExecAsync("acme-echo");
        var defaultJob = await local.ExecAsync("blog", new JsonObject { ["topic"] = "mine" });
        Assert.Equal("success", await acme.PollUntilSettledAsync(acmeJob));
        Assert.Equal("success", await local.PollUntilSettledAsync(defaultJob));

        var acmeJobs = (await acme.GetJsonAsync("/api/v1/workflow/jobs")).Json["jobs"]!.AsArray();
        var defaultJobs = (await local.GetJsonAsync("/api/v1/workflow/jobs")).Json["jobs"]!.AsArray();

        Assert.All(acmeJobs, j => JsonAssert.HasExactly(j, "id", "state", "user"));
        Assert.Contains(acmeJobs, j => j!["id"]!.GetValue<string>() == acmeJob);
        Assert.DoesNotContain(acmeJobs, j => j!["id"]!.GetValue<string>() == defaultJob);
        Assert.Contains(defaultJobs, j => j!["id"]!.GetValue<string>() == defaultJob);
        Assert.DoesNotContain(defaultJobs, j => j!["id"]!.GetValue<string>() == acmeJob);
        Assert.Equal(404, (int)(await local.ResultsAsync(acmeJob)).Status);
    }
}
