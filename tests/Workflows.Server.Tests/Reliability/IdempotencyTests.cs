using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// Idempotency keys on every run path: the same key and request answer with the same job (and its result); a different
/// request is 422; a duplicate while the first is still being answered is 409; keys are per organisation.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class IdempotencyTests(ServerFixture fixture)
{
    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private static RunRequest BlogRun(string key, string topic = "keys") =>
        new() { AppId = "blog", Variables = JobHelpers.Vars(("topic", topic)), IdempotencyKey = key };

    private static JsonObject BlogBody(string topic = "keys", string appField = "appId") =>
        new() { [appField] = "blog", ["variables"] = new JsonObject { ["topic"] = topic } };

    [Fact]
    public async Task Run_SameKeySameRequest_SameJobAndResult()
    {
        var key = NewKey();
        var auth = ServerFixture.Bearer(fixture.ExecToken);

        var first = await fixture.Grpc().RunAsync(BlogRun(key), auth, JobHelpers.Deadline());
        var again = await fixture.Grpc().RunAsync(BlogRun(key), auth, JobHelpers.Deadline());

        Assert.Equal(JobState.Succeeded, first.Job.State);
        Assert.Equal(first.Job.Id, again.Job.Id);
        Assert.Equal(JobState.Succeeded, again.Job.State);
        Assert.Equal(first.Result, again.Result);
        var listed = await fixture.Grpc().ListJobsAsync(new ListJobsRequest { AppId = "blog", PageSize = 500 }, auth, JobHelpers.Deadline());
        Assert.Single(listed.Jobs, j => j.Id == first.Job.Id);
    }

    [Fact]
    public async Task Run_SameKeyDifferentRequest_FailedPreconditionNamingTheKey()
    {
        var key = NewKey();
        var auth = ServerFixture.Bearer(fixture.ExecToken);
        await fixture.Grpc().RunAsync(BlogRun(key, "one"), auth, JobHelpers.Deadline());

        var refused = await JobHelpers.ThrowsStatusAsync(
            StatusCode.FailedPrecondition,
            () => fixture.Grpc().RunAsync(BlogRun(key, "two"), auth, JobHelpers.Deadline()).ResponseAsync);

        Assert.Contains(key, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("different request", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestRuns_KeyHeader_SameJobAndDifferentRequestIs422()
    {
        var key = NewKey();
        using var client = fixture.Rest(fixture.ExecToken);

        var first = await client.PostWithKeyAsync("/v1/runs", BlogBody(), key);
        var again = await client.PostWithKeyAsync("/v1/runs", BlogBody(), key);
        var different = await client.PostWithKeyAsync("/v1/runs", BlogBody("other topic"), key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Json["job"]!["id"]!.GetValue<string>(), again.Json["job"]!["id"]!.GetValue<string>());
        Assert.Equal(first.Json["result"]!.GetValue<string>(), again.Json["result"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)422, different.Status);
        Assert.Equal((int)StatusCode.FailedPrecondition, different.Json["code"]!.GetValue<int>());
        Assert.Contains("was already used for a different request", different.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestRuns_SameVariablesInOtherOrder_SameRequest()
    {
        var key = NewKey();
        using var client = fixture.Rest(fixture.ExecToken);
        var body = new JsonObject { ["appId"] = "blog", ["variables"] = new JsonObject { ["topic"] = "order", ["tone"] = "calm" } };
        var reordered = new JsonObject { ["variables"] = new JsonObject { ["tone"] = "calm", ["topic"] = "order" }, ["appId"] = "blog" };

        var first = await client.PostWithKeyAsync("/v1/runs", body, key);
        var again = await client.PostWithKeyAsync("/v1/runs", reordered, key);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Json["job"]!["id"]!.GetValue<string>(), again.Json["job"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestRuns_KeyInBody_WinsOverHeader()
    {
        var bodyKey = NewKey();
        using var client = fixture.Rest(fixture.ExecToken);
        var body = BlogBody();
        body["idempotencyKey"] = bodyKey;

        var first = await client.PostWithKeyAsync("/v1/runs", body, NewKey());
        var byHeader = await client.PostWithKeyAsync("/v1/runs", BlogBody(), bodyKey);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Json["job"]!["id"]!.GetValue<string>(), byHeader.Json["job"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppsAndWorkersRun_SameKey_SameThreadAndResult()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        foreach (var (path, field) in new[] { ("/developer/v2/apps/run", "appId"), ("/developer/v2/workers/run", "workerId") })
        {
            var key = NewKey();
            var first = await client.PostWithKeyAsync(path, BlogBody("threads", field), key);
            var again = await client.PostWithKeyAsync(path, BlogBody("threads", field), key);
            var different = await client.PostWithKeyAsync(path, BlogBody("other", field), key);

            Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
            Assert.Equal(HttpStatusCode.OK, again.Status);
            Assert.Equal(first.Json["threadId"]!.GetValue<string>(), again.Json["threadId"]!.GetValue<string>());
            Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: THREADS", again.Json["result"]!.GetValue<string>());
            Assert.Equal((HttpStatusCode)422, different.Status);
            Assert.Contains("different request", different.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Exec_SameKey_SameJobAndDifferentRequestIs422WithError()
    {
        var key = NewKey();
        using var client = fixture.Rest(fixture.ExecToken);
        JsonObject Exec(string topic) => new() { ["workflow"] = "blog", ["args"] = new JsonObject { ["topic"] = topic } };

        var first = await client.PostWithKeyAsync("/api/v1/workflow/exec", Exec("recipes"), key);
        var again = await client.PostWithKeyAsync("/api/v1/workflow/exec", Exec("recipes"), key);
        var different = await client.PostWithKeyAsync("/api/v1/workflow/exec", Exec("other"), key);

        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        Assert.Equal(first.Json["result"]!["jobId"]!.GetValue<string>(), again.Json["result"]!["jobId"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)422, different.Status);
        Assert.Contains("different request", different.Json["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameKey_OtherApi_Is422()
    {
        var key = NewKey();
        using var client = fixture.Rest(fixture.ExecToken);

        Assert.Equal(HttpStatusCode.OK, (await client.PostWithKeyAsync("/v1/runs", BlogBody(), key)).Status);
        var viaDialect = await client.PostWithKeyAsync("/developer/v2/apps/run", BlogBody(), key);

        Assert.Equal((HttpStatusCode)422, viaDialect.Status);
    }

    [Fact]
    public async Task AppsRun_DuplicateWhileFirstInFlight_409ThenSameThread()
    {
        var key = NewKey();
        var gate = Guid.NewGuid().ToString("N");
        using var client = fixture.Rest(fixture.ExecToken);
        var body = new JsonObject { ["appId"] = "gated", ["variables"] = new JsonObject { ["gate"] = gate } };

        var first = client.PostWithKeyAsync("/developer/v2/apps/run", body, key);
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        var duplicate = await client.PostWithKeyAsync("/developer/v2/apps/run", body, key);
        var different = await client.PostWithKeyAsync("/developer/v2/apps/run", new JsonObject { ["appId"] = "gated", ["variables"] = new JsonObject { ["gate"] = "x" } }, key);
        GateBlock.Open(gate, "through");
        var answered = await first.WaitAsync(JobHelpers.Timeout);
        var retried = await client.PostWithKeyAsync("/developer/v2/apps/run", body, key);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal("conflict", duplicate.Json["code"]!.GetValue<string>());
        Assert.Contains("still being answered", duplicate.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)422, different.Status);
        Assert.True(answered.Status == HttpStatusCode.OK, answered.ToString());
        Assert.Equal("through", answered.Json["result"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(answered.Json["threadId"]!.GetValue<string>(), retried.Json["threadId"]!.GetValue<string>());
        Assert.Equal("through", retried.Json["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_DuplicateWhileFirstWaits_AbortedThenSameJobWaitedFor()
    {
        var key = NewKey();
        var gate = Guid.NewGuid().ToString("N");
        var auth = ServerFixture.Bearer(fixture.ExecToken);
        var request = new RunRequest { AppId = "gated", Variables = JobHelpers.Vars(("gate", gate)), IdempotencyKey = key };

        var first = fixture.Grpc().RunAsync(request, auth, JobHelpers.Deadline()).ResponseAsync;
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        var duplicate = await JobHelpers.ThrowsStatusAsync(
            StatusCode.Aborted, () => fixture.Grpc().RunAsync(request, auth, JobHelpers.Deadline()).ResponseAsync);
        GateBlock.Open(gate, "done");
        var answered = await first.WaitAsync(JobHelpers.Timeout);
        var retried = await fixture.Grpc().RunAsync(request, auth, JobHelpers.Deadline());

        Assert.Contains(key, duplicate.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, answered.Job.State);
        Assert.Equal(answered.Job.Id, retried.Job.Id);
        Assert.Equal("done", retried.Result.StringValue);
    }

    [Fact]
    public async Task Run_RetryWhileJobStillRuns_WaitsForTheSameJob()
    {
        var key = NewKey();
        var gate = Guid.NewGuid().ToString("N");
        var auth = ServerFixture.Bearer(fixture.ExecToken);
        var request = new RunRequest
        {
            AppId = "gated",
            Variables = JobHelpers.Vars(("gate", gate)),
            IdempotencyKey = key,
            Wait = Duration.FromTimeSpan(TimeSpan.Zero),
        };
        var started = await fixture.Grpc().RunAsync(request, auth, JobHelpers.Deadline());
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);

        // The first request was answered (wait 0); a retry that waits gets the same job, finished once the gate opens.
        request.Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(10));
        var retry = fixture.Grpc().RunAsync(request, auth, JobHelpers.Deadline()).ResponseAsync;
        GateBlock.Open(gate, "later");
        var retried = await retry.WaitAsync(JobHelpers.Timeout);

        Assert.Equal(started.Job.Id, retried.Job.Id);
        Assert.Equal(JobState.Succeeded, retried.Job.State);
        Assert.Equal("later", retried.Result.StringValue);
    }

    [Fact]
    public async Task Key_PerOrganisation_OtherOrganisationStartsItsOwnJob()
    {
        var key = NewKey();
        var app = new PutAppRequest { AppId = "acme-keys" };
        app.Workflows["main"] = "name: Echo\nblocks:\n  - id: out\n    type: output\n    value: acme\n";
        await fixture.Grpc().PutAppAsync(app, ServerFixture.Bearer(fixture.AcmeToken), JobHelpers.Deadline());

        var mine = await fixture.Grpc().RunAsync(BlogRun(key), ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());
        var theirs = await fixture.Grpc().RunAsync(
            new RunRequest { AppId = "acme-keys", IdempotencyKey = key }, ServerFixture.Bearer(fixture.AcmeToken), JobHelpers.Deadline());

        Assert.NotEqual(mine.Job.Id, theirs.Job.Id);
        Assert.Equal("acme", theirs.Job.OrganizationId);
        Assert.Equal("acme", theirs.Result.StringValue);
    }
}
