using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

// Terminal states are final in the store itself: a writer that expected the right sequence still cannot append to,
// or change the state of, a job that succeeded, failed or was cancelled.
public abstract partial class JobStoreTests
{
    [Theory]
    [InlineData(JobState.Succeeded)]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.Cancelled)]
    public async Task Commit_AfterTheJobFinished_IsRefusedAndChangesNothing(JobState terminal)
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(Finish(job.Id, 1, terminal), Ct);
        var finished = await Store.GetJobAsync(job.Id, Ct);

        // The right expected sequence, as a writer that saw the terminal commit would send.
        var late = StoreTestData.LogCommit(job.Id, 2) with
        {
            State = JobState.Running,
            Outputs = [new BlockOutput("late", 1)],
            Posts = [new JobPost("late", null, "system", "late", StoreTestData.T0)],
            Outbox = [StoreTestData.Message(job, deliveryId: "late")],
        };
        var refused = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(late, Ct));

        Assert.Contains("finished", refused.Message, StringComparison.Ordinal);
        var stored = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(terminal, stored?.State);
        Assert.Equal(2, stored?.LastSequence);
        Assert.Equal(finished?.Error, stored?.Error);
        Assert.Equal(finished?.FinishedAt, stored?.FinishedAt);
        Assert.Equal(2, (await Store.GetEventsAsync(job.Id, 0, 100, Ct)).Count);
        Assert.Empty(await Store.GetOutputsAsync(job.Id, Ct));
        Assert.DoesNotContain(await Store.GetPostsAsync(job.Id, Ct), post => post.Id == "late");
        Assert.Empty(await Store.ListDeliveriesAsync(job.Id, Ct));
    }

    [Fact]
    public async Task Commit_SecondTerminalEvent_IsRefused_OneTerminalEventPerJob()
    {
        var job = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0.AddHours(1) });
        // A canceller on another node (no lease) wins; the runner's own terminal commit, sent with its lease and the
        // sequence it would have had, must not land after it.
        await Store.CommitAsync(Finish(job.Id, 1, JobState.Cancelled), Ct);

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.CommitAsync(Finish(job.Id, 2, JobState.Succeeded) with { LeaseOwner = "node-a" }, Ct));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(Finish(job.Id, 2, JobState.Failed), Ct));

        var events = await Store.GetEventsAsync(job.Id, 0, 100, Ct);
        Assert.Single(events, e => e.IsTerminal);
        Assert.Equal(JobEventTypes.JobCancelled, events[^1].Type);
        Assert.Equal(JobState.Cancelled, (await Store.GetJobAsync(job.Id, Ct))?.State);
    }

    [Fact]
    public async Task Commit_FinishedJob_CannotBeSentBackToWaiting()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(Finish(job.Id, 1, JobState.Cancelled), Ct);
        var wait = new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 2,
            Events = [new JobEvent(job.Id, 3, JobEventTypes.JobWaiting, StoreTestData.T0) { BlockId = "pause" }],
            State = JobState.Waiting,
            Wait = new JobWaitCommit(StoreTestData.T0, [], StoreTestData.T0),
        };

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(wait, Ct));

        var stored = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Cancelled, stored?.State);
        Assert.Null(stored?.WakeAt);
        Assert.Empty(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0.AddDays(1), TimeSpan.FromMinutes(1), 10, Ct));
        Assert.Empty(await Store.ClaimJobsAsync("node-b", StoreTestData.T0.AddDays(1), TimeSpan.FromMinutes(1), 10, Ct));
    }

    [Fact]
    public async Task RequestCancel_FinishedJob_ReturnsItUnchanged()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(Finish(job.Id, 1, JobState.Succeeded), Ct);

        var answered = await Store.RequestCancelAsync(job.Id, "too late", Ct);

        Assert.Equal(JobState.Succeeded, answered?.State);
        Assert.Null(answered?.CancelRequested);
        Assert.Null((await Store.GetJobAsync(job.Id, Ct))?.CancelRequested);
    }

    private static JobCommit Finish(Guid jobId, long expectedSequence, JobState state)
    {
        var type = state switch
        {
            JobState.Succeeded => JobEventTypes.JobSucceeded,
            JobState.Cancelled => JobEventTypes.JobCancelled,
            _ => JobEventTypes.JobFailed,
        };
        return new JobCommit
        {
            JobId = jobId,
            ExpectedSequence = expectedSequence,
            Events = [new JobEvent(jobId, expectedSequence + 1, type, StoreTestData.T0.AddSeconds(1))],
            State = state,
            FinishedAt = StoreTestData.T0.AddSeconds(1),
            Result = state == JobState.Succeeded ? JsonValue.Create("done") : null,
            Error = state == JobState.Succeeded ? null : "stopped",
        };
    }
}
