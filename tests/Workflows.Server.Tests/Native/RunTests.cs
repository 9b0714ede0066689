using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class RunTests(ServerFixture fixture)
{
    [Fact]
    public async Task Run_BlogSync_ReturnsShoutedPostAndSucceededJob()
    {
        var response = await fixture.RunBlogAsync(fixture.ExecToken, "Integration Tests");

        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: INTEGRATION TESTS", response.Result.StringValue);
        Assert.Equal(JobState.Succeeded, response.Job.State);
        Assert.Equal("blog", response.Job.AppId);
        Assert.Equal("main", response.Job.Workflow);
        Assert.Equal("default", response.Job.OrganizationId);
        Assert.True(Guid.TryParse(response.Job.Id, out _));
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, response.Job.Id);
        Assert.Equal(events[^1].Sequence, response.Sequence);
        Assert.Equal(response.Job.LastSequence, response.Sequence);
        Assert.Equal("job_succeeded", events[^1].Type);
    }

    [Fact]
    public async Task Run_WaitZeroOnGatedApp_ReturnsAtOnceAndWatchContinuesWithoutGap()
    {
        var gate = Guid.NewGuid().ToString("N");
        var response = await fixture.Grpc().RunAsync(
            new RunRequest { AppId = "gated", Variables = JobHelpers.Vars(("gate", gate)), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            ServerFixture.Bearer(fixture.ExecToken),
            JobHelpers.Deadline());

        Assert.Contains(response.Job.State, new[] { JobState.Queued, JobState.Running });
        Assert.Null(response.Result);
        Assert.True(response.Sequence >= 1);

        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        GateBlock.Open(gate, "let through");
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, response.Job.Id, response.Sequence);

        JobHelpers.AssertGaplessToEnd(events, response.Sequence + 1, "job_succeeded");
        Assert.Equal("let through", events[^1].Output.StringValue);
    }

    [Fact]
    public async Task Run_Digest_ReturnsObjectWithTitleSummaryAndStats()
    {
        var response = await fixture.RunAsync(fixture.ExecToken, "digest", ("text", "  the quick   brown fox jumps over the lazy dog  "));

        Assert.Equal(JobState.Succeeded, response.Job.State);
        var result = response.Result.StructValue.Fields;
        Assert.Equal(["stats", "summary", "title"], result.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("The quick brown", result["title"].StringValue);
        Assert.Equal("the quick brown fox jumps over the lazy…", result["summary"].StringValue);
        Assert.Equal("43 characters", result["stats"].StringValue);
    }

    [Fact]
    public async Task Run_MissingRequiredVariable_InvalidArgumentNamingIt()
    {
        var ex = await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.InvalidArgument, () =>
            fixture.Grpc().RunAsync(new RunRequest { AppId = "blog" }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("topic", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownAppOrWorkflow_NotFound()
    {
        await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.NotFound, () =>
            fixture.Grpc().RunAsync(new RunRequest { AppId = "no-such-app" }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.NotFound, () =>
            fixture.Grpc().RunAsync(
                new RunRequest { AppId = "blog", Workflow = "no-such-workflow", Variables = JobHelpers.Vars(("topic", "x")) },
                ServerFixture.Bearer(fixture.ExecToken),
                JobHelpers.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task GetJob_FinishedRun_ReturnsSameJob()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);

        var job = (await fixture.Grpc().GetJobAsync(new GetJobRequest { JobId = run.Job.Id }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline())).Job;

        Assert.Equal(run.Job.Id, job.Id);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(run.Result, job.Result);
        Assert.Equal("tests", job.Variables.Fields["topic"].StringValue);
        Assert.Equal("friendly", job.Variables.Fields["tone"].StringValue);
        Assert.NotNull(job.CreateTime);
        Assert.NotNull(job.StartTime);
        Assert.NotNull(job.FinishTime);
        Assert.True(job.FinishTime.ToDateTimeOffset() >= job.CreateTime.ToDateTimeOffset());
        Assert.Equal(run.Sequence, job.LastSequence);
    }

    [Fact]
    public async Task GetJobResults_FinishedRun_ReturnsResultAndPosts()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken, "posts");

        var results = await fixture.Grpc().GetJobResultsAsync(
            new GetJobResultsRequest { JobId = run.Job.Id }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        Assert.Equal(run.Job.Id, results.Job.Id);
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: POSTS", results.Result.StringValue);
        Assert.NotEmpty(results.Posts);
        Assert.Contains(results.Posts, p => p.Role == "assistant" && p.Content == results.Result.StringValue);
        Assert.Equal(results.Posts.Count, results.Posts.Select(p => p.Id).Distinct().Count());
        Assert.All(results.Posts, p => Assert.NotNull(p.CreateTime));
    }
}
