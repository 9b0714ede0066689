using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class CancelJobTests(ServerFixture fixture)
{
    [Fact]
    public async Task CancelJob_GatedJob_CancelledAndJobCancelledIsLastEvent()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await fixture.StartGatedAsync(fixture.ExecToken, gate);

        var cancelled = await fixture.Grpc().CancelJobAsync(
            new CancelJobRequest { JobId = started.Job.Id, Reason = "test says stop" }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        Assert.Equal(JobState.Cancelled, cancelled.Job.State);
        Assert.Equal("test says stop", cancelled.Job.Error);
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, started.Job.Id);
        JobHelpers.AssertGaplessToEnd(events, 1, "job_cancelled");
        Assert.Equal("test says stop", events[^1].Error);
        Assert.DoesNotContain(events, e => e.Type is "job_succeeded" or "job_failed");
        var job = await fixture.WaitForEndAsync(fixture.ExecToken, started.Job.Id);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Null(job.Result);
    }

    [Fact]
    public async Task CancelJob_FinishedJob_StaysSucceeded()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);

        var response = await fixture.Grpc().CancelJobAsync(
            new CancelJobRequest { JobId = run.Job.Id }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        Assert.Equal(JobState.Succeeded, response.Job.State);
        Assert.Equal(run.Sequence, response.Job.LastSequence);
    }

    [Fact]
    public async Task CancelJob_UnknownOrMalformedId_NotFound()
    {
        foreach (var id in new[] { Guid.NewGuid().ToString(), "not-a-uuid" })
        {
            await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.NotFound, () =>
                fixture.Grpc().CancelJobAsync(new CancelJobRequest { JobId = id }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        }
    }
}
