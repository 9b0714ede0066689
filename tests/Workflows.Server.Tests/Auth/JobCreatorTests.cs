using System.Net;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Auth;

/// <summary>
/// The subject (<c>sub</c>) of the token that starts a job is recorded as its creator and returned by GetJob (gRPC and
/// REST), whichever API started it; a rerun's creator is whoever reran it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class JobCreatorTests(ServerFixture fixture)
{
    private async Task<string> TokenForAsync(string subject) =>
        (await fixture.Grpc().CreateTokenAsync(
            new CreateTokenRequest { Action = "exec", Subject = subject, ExpiresInMs = 3_600_000 },
            ServerFixture.Bearer(fixture.AdminToken),
            JobHelpers.Deadline())).Token;

    private async Task<Job> GetJobAsync(string jobId) =>
        (await fixture.Grpc().GetJobAsync(new GetJobRequest { JobId = jobId }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline())).Job;

    [Fact]
    public async Task NativeRun_CreatorIsTheTokensSubject_OnGrpcAndRest()
    {
        var alice = await TokenForAsync("alice@example.test");

        var run = await fixture.RunAsync(alice, "digest", ("text", "who started me"));

        Assert.Equal("alice@example.test", run.Job.Creator);
        Assert.Equal("alice@example.test", (await GetJobAsync(run.Job.Id)).Creator);
        using var rest = fixture.Rest(fixture.AdminToken);
        var response = await rest.GetJsonAsync($"/v1/jobs/{run.Job.Id}");
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("alice@example.test", (string?)response.Object["job"]!["creator"]);
    }

    [Fact]
    public async Task Rerun_CreatorIsTheRerunner_OriginalKeepsItsOwn()
    {
        var alice = await TokenForAsync("alice");
        var bob = await TokenForAsync("bob");
        var original = await fixture.RunAsync(alice, "digest", ("text", "first"));

        var rerun = await fixture.Grpc().RerunJobAsync(
            new RerunJobRequest { JobId = original.Job.Id }, ServerFixture.Bearer(bob), JobHelpers.Deadline());

        Assert.Equal("bob", rerun.Job.Creator);
        Assert.Equal("bob", (await GetJobAsync(rerun.Job.Id)).Creator);
        Assert.Equal("alice", (await GetJobAsync(original.Job.Id)).Creator);
    }

    [Fact]
    public async Task DeveloperAndRecipeDialects_CreatorIsTheTokensSubject()
    {
        var carol = await TokenForAsync("carol");
        using var client = fixture.Rest(carol);

        var developer = await client.PostJsonAsync(
            "/developer/v2/apps/run", new JsonObject { ["appId"] = "digest", ["variables"] = new JsonObject { ["text"] = "dialect" } });
        Assert.True(developer.Status == HttpStatusCode.OK, developer.ToString());
        var recipeJob = await client.ExecAsync("digest", new JsonObject { ["text"] = "recipe dialect" });

        Assert.Equal("carol", (await GetJobAsync((string)developer.Object["threadId"]!)).Creator);
        Assert.Equal("carol", (await GetJobAsync(recipeJob)).Creator);
    }

    [Fact]
    public async Task McpToolCall_CreatorIsTheTokensSubject()
    {
        var subject = "mcp-" + Guid.NewGuid().ToString("N");
        var token = await TokenForAsync(subject);
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(fixture.RestUrl + "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
            }),
            cancellationToken: CancellationToken.None);

        var result = await client.CallToolAsync("blog-writer", new Dictionary<string, object?> { ["topic"] = "creators" });

        Assert.NotEqual(true, result.IsError);
        var jobs = await fixture.Grpc().ListJobsAsync(
            new ListJobsRequest { AppId = "blog", PageSize = 100 }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline());
        Assert.Single(jobs.Jobs, j => j.Creator == subject);
    }
}
