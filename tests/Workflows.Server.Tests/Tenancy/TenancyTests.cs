using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Tenancy;

/// <summary>Nothing crosses organisations, and an exec token limited to recipes sees only their jobs: always 404, never 403.</summary>
[Collection(ServerCollection.Name)]
public sealed class TenancyTests(ServerFixture fixture)
{
    private async Task AssertInvisibleOverGrpcAsync(string token, string jobId)
    {
        var client = fixture.Grpc();
        var auth = ServerFixture.Bearer(token);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () => client.GetJobAsync(new GetJobRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () => client.CancelJobAsync(new CancelJobRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () => client.GetJobResultsAsync(new GetJobResultsRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        using var watch = client.WatchJob(new WatchJobRequest { JobId = jobId }, auth, JobHelpers.Deadline());
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () => watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    private async Task AssertInvisibleOverRestAsync(string token, string jobId)
    {
        using var client = fixture.Rest(token);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"/v1/jobs/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"/v1/jobs/{jobId}/results")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"/v1/jobs/{jobId}:watch")).Status);
        var results = await client.ResultsAsync(jobId);
        Assert.Equal(HttpStatusCode.NotFound, results.Status);
        Assert.Equal("""{"error":"Job not found"}""", results.Json.ToJsonString());
        var stop = await client.PostJsonAsync("/api/v1/workflow/stop", new JsonObject { ["jobId"] = jobId });
        Assert.Equal(HttpStatusCode.NotFound, stop.Status);
        Assert.Equal("""{"error":"Job not found"}""", stop.Json.ToJsonString());
    }

    [Fact]
    public async Task AcmeToken_DefaultOrgJob_NotFoundEverywhere()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken, "tenancy");

        await AssertInvisibleOverGrpcAsync(fixture.AcmeToken, run.Job.Id);
        await AssertInvisibleOverRestAsync(fixture.AcmeToken, run.Job.Id);

        var job = await fixture.WaitForEndAsync(fixture.ExecToken, run.Job.Id);
        Assert.Equal(JobState.Succeeded, job.State);
    }

    [Fact]
    public async Task AcmeToken_RunningDefaultOrgJob_CannotStopIt()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await fixture.StartGatedAsync(fixture.ExecToken, gate);

        await AssertInvisibleOverGrpcAsync(fixture.AcmeToken, started.Job.Id);
        await AssertInvisibleOverRestAsync(fixture.AcmeToken, started.Job.Id);

        GateBlock.Open(gate);
        var job = await fixture.WaitForEndAsync(fixture.ExecToken, started.Job.Id);
        Assert.Equal(JobState.Succeeded, job.State);
    }

    [Fact]
    public async Task AcmeToken_ListJobs_NoDefaultOrgJobs()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken, "listed");

        var acme = await fixture.Grpc().ListJobsAsync(new ListJobsRequest { PageSize = 500 }, ServerFixture.Bearer(fixture.AcmeToken), JobHelpers.Deadline());
        using var client = fixture.Rest(fixture.AcmeToken);
        var recipeJobs = (await client.GetJsonAsync("/api/v1/workflow/jobs")).Json["jobs"]!.AsArray();
        var restJobs = (await client.GetJsonAsync("/v1/jobs?pageSize=500")).Json["jobs"]!.AsArray();

        Assert.All(acme.Jobs, j => Assert.Equal("acme", j.OrganizationId));
        Assert.DoesNotContain(acme.Jobs, j => j.Id == run.Job.Id);
        Assert.DoesNotContain(recipeJobs, j => j!["id"]!.GetValue<string>() == run.Job.Id);
        Assert.DoesNotContain(restJobs, j => j!["id"]!.GetValue<string>() == run.Job.Id);
    }

    [Fact]
    public async Task DigestOnlyToken_BlogJob_NotFoundAndOnlyDigestJobsListed()
    {
        var digestOnly = fixture.Token("default", "exec", "digest");
        var blog = await fixture.RunBlogAsync(fixture.ExecToken, "hidden");
        var digest = await fixture.RunAsync(digestOnly, "digest", ("text", "visible to the digest token"));

        await AssertInvisibleOverGrpcAsync(digestOnly, blog.Job.Id);
        await AssertInvisibleOverRestAsync(digestOnly, blog.Job.Id);
        var own = await fixture.Grpc().GetJobAsync(new GetJobRequest { JobId = digest.Job.Id }, ServerFixture.Bearer(digestOnly), JobHelpers.Deadline());
        Assert.Equal(JobState.Succeeded, own.Job.State);

        var listed = await fixture.Grpc().ListJobsAsync(new ListJobsRequest { PageSize = 500 }, ServerFixture.Bearer(digestOnly), JobHelpers.Deadline());
        Assert.NotEmpty(listed.Jobs);
        Assert.All(listed.Jobs, j => Assert.Equal("digest", j.AppId));
        Assert.Contains(listed.Jobs, j => j.Id == digest.Job.Id);
        var blogFilter = await fixture.Grpc().ListJobsAsync(new ListJobsRequest { AppId = "blog" }, ServerFixture.Bearer(digestOnly), JobHelpers.Deadline());
        Assert.Empty(blogFilter.Jobs);

        using var client = fixture.Rest(digestOnly);
        var recipeIds = (await client.GetJsonAsync("/api/v1/workflow/jobs")).Json["jobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()).ToHashSet();
        var digestIds = (await fixture.Grpc().ListJobsAsync(new ListJobsRequest { AppId = "digest", PageSize = 500 }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline()))
            .Jobs.Select(j => j.Id).ToHashSet();
        Assert.Contains(digest.Job.Id, recipeIds);
        Assert.Subset(digestIds, recipeIds);
    }
}
