using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

// Waiting as data: a waiting job is a due time and signal names, claimed by any node when due; signals are stored
// before their answer and kept until a wait takes them; cancel requests are stored for the node running the job.
public abstract partial class JobStoreTests
{
    private static readonly TimeSpan WaitLease = TimeSpan.FromSeconds(30);

    private async Task<JobRecord> RunningJobAsync(string owner = "node-a") =>
        await CreateJobAsync(StoreTestData.Job(state: JobState.Running) with { LeaseOwner = owner, LeaseExpiresAt = StoredLater });

    private static DateTimeOffset StoredLater => StoreTestData.T0.AddHours(1);

    private static JobCommit WaitCommit(Guid jobId, long expected, DateTimeOffset? wakeAt, string[] signals, string owner = "node-a") => new()
    {
        JobId = jobId,
        ExpectedSequence = expected,
        Events = [new JobEvent(jobId, expected + 1, JobEventTypes.JobWaiting, StoreTestData.T0)],
        State = JobState.Waiting,
        Wait = new JobWaitCommit(wakeAt, signals, StoreTestData.T0.AddSeconds(1)),
        RunTime = TimeSpan.FromMilliseconds(1500),
        LeaseOwner = owner,
    };

    private static JobSignal Signal(Guid jobId, string name, string? key = null, int value = 1) => new()
    {
        JobId = jobId,
        Name = name,
        Payload = new JsonObject { ["value"] = value },
        IdempotencyKey = key,
        CreatedAt = StoreTestData.T0.AddSeconds(2),
    };

    [Fact]
    public async Task Wait_ReleasesLease_AndIsClaimedOnceWhenDue()
    {
        var job = await RunningJobAsync();
        var wakeAt = StoreTestData.T0.AddSeconds(10);

        await Store.CommitAsync(WaitCommit(job.Id, 1, wakeAt, []), Ct);

        var waiting = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Waiting, waiting?.State);
        Assert.Null(waiting?.LeaseOwner);
        Assert.Equal(wakeAt, waiting?.WakeAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), waiting?.RunTime);
        Assert.Empty(await Store.ClaimJobsAsync("node-b", StoreTestData.T0.AddHours(2), WaitLease, 10, Ct));
        Assert.Empty(await Store.ClaimDueJobsAsync("node-b", wakeAt.AddMilliseconds(-1), WaitLease, 10, Ct));

        var claimed = Assert.Single(await Store.ClaimDueJobsAsync("node-b", wakeAt, WaitLease, 10, Ct));
        Assert.Equal("node-b", claimed.LeaseOwner);
        Assert.Equal(JobState.Waiting, claimed.State);
        Assert.Empty(await Store.ClaimDueJobsAsync("node-c", wakeAt, WaitLease, 10, Ct));
        Assert.Equal([job.Id], await Store.RenewLeasesAsync("node-b", [job.Id], wakeAt, WaitLease, Ct));

        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 2, State = JobState.Running, LeaseOwner = "node-b" }, Ct);
        var resumed = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Running, resumed?.State);
        Assert.Null(resumed?.WakeAt);
        Assert.Empty(resumed!.WaitSignals);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), resumed.RunTime);
    }

    [Fact]
    public async Task Wait_ClaimedAfterItsClaimerDied()
    {
        var job = await RunningJobAsync();
        await Store.CommitAsync(WaitCommit(job.Id, 1, StoreTestData.T0, []), Ct);
        Assert.Single(await Store.ClaimDueJobsAsync("dies", StoreTestData.T0, WaitLease, 10, Ct));

        var later = StoreTestData.T0 + WaitLease;
        Assert.Equal("node-b", Assert.Single(await Store.ClaimDueJobsAsync("node-b", later, WaitLease, 10, Ct)).LeaseOwner);
    }

    [Fact]
    public async Task Signal_ToJobWaitingForIt_MakesItDue()
    {
        var job = await RunningJobAsync();
        await Store.CommitAsync(WaitCommit(job.Id, 1, null, ["approve"]), Ct);
        Assert.Equal(["approve"], (await Store.GetJobAsync(job.Id, Ct))!.WaitSignals);
        Assert.Empty(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0.AddDays(1), WaitLease, 10, Ct));

        var other = await Store.AddSignalAsync(Signal(job.Id, "other"), Ct);
        Assert.Null(other.Job?.WakeAt);
        var added = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "k1"), Ct);

        Assert.False(added.Duplicate);
        Assert.NotNull(added.Signal);
        Assert.Equal(StoreTestData.T0.AddSeconds(2), added.Job?.WakeAt);
        Assert.Single(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0.AddSeconds(2), WaitLease, 10, Ct));
        var pending = await Store.GetPendingSignalAsync(job.Id, "approve", Ct);
        Assert.Equal(added.Signal!.Id, pending?.Id);
        Assert.Equal(1, pending!.Payload["value"]!.GetValue<int>());
        Assert.Equal("k1", pending.IdempotencyKey);
    }

    [Fact]
    public async Task Signal_BeforeTheWait_IsKeptAndMakesTheWaitDueAtOnce()
    {
        var job = await RunningJobAsync();
        var added = await Store.AddSignalAsync(Signal(job.Id, "approve"), Ct);
        Assert.Equal(JobState.Running, added.Job?.State);
        Assert.Null(added.Job?.WakeAt);

        await Store.CommitAsync(WaitCommit(job.Id, 1, StoreTestData.T0.AddDays(3), ["approve"]), Ct);

        Assert.Equal(StoreTestData.T0.AddSeconds(1), (await Store.GetJobAsync(job.Id, Ct))?.WakeAt);
    }

    [Fact]
    public async Task Signal_TakenByACommit_IsNoLongerPending()
    {
        var job = await RunningJobAsync();
        var first = (await Store.AddSignalAsync(Signal(job.Id, "approve", value: 1), Ct)).Signal!;
        var second = (await Store.AddSignalAsync(Signal(job.Id, "approve", value: 2), Ct)).Signal!;

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { ConsumeSignals = [first.Id] }, Ct);

        Assert.Equal(second.Id, (await Store.GetPendingSignalAsync(job.Id, "approve", Ct))?.Id);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 2) with { ConsumeSignals = [second.Id] }, Ct);
        Assert.Null(await Store.GetPendingSignalAsync(job.Id, "approve", Ct));
    }

    [Fact]
    public async Task Signal_RepeatedIdempotencyKey_AnswersTheFirst()
    {
        var job = await RunningJobAsync();
        var first = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "same", value: 1), Ct);
        var again = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "same", value: 2), Ct);

        Assert.True(again.Duplicate);
        Assert.Equal(first.Signal!.Id, again.Signal!.Id);
        Assert.Equal(1, again.Signal.Payload["value"]!.GetValue<int>());
    }

    [Fact]
    public async Task Signal_RepeatedIdempotencyKeyAfterTheJobFinished_AnswersTheFirst()
    {
        var job = await RunningJobAsync();
        var first = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "same", value: 1), Ct);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { State = JobState.Succeeded, FinishedAt = StoreTestData.T0.AddSeconds(3) }, Ct);

        var again = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "same", value: 2), Ct);
        var other = await Store.AddSignalAsync(Signal(job.Id, "approve", key: "other", value: 3), Ct);

        Assert.True(again.Duplicate);
        Assert.Equal(JobState.Succeeded, again.Job?.State);
        Assert.Equal(first.Signal!.Id, again.Signal!.Id);
        Assert.Equal(1, again.Signal.Payload["value"]!.GetValue<int>());
        Assert.Null(other.Signal);
        Assert.False(other.Duplicate);
    }

    [Fact]
    public async Task Signal_FinishedOrUnknownJob_StoresNothing()
    {
        var done = await CreateJobAsync(StoreTestData.Job(state: JobState.Succeeded) with { FinishedAt = StoreTestData.T0 });

        var added = await Store.AddSignalAsync(Signal(done.Id, "approve"), Ct);
        Assert.Equal(JobState.Succeeded, added.Job?.State);
        Assert.Null(added.Signal);
        Assert.Null(await Store.GetPendingSignalAsync(done.Id, "approve", Ct));
        Assert.Null((await Store.AddSignalAsync(Signal(Guid.NewGuid(), "approve"), Ct)).Job);
    }

    [Fact]
    public async Task CancelRequest_IsListedForTheOwner_AndMakesAWaitingJobDue()
    {
        var running = await RunningJobAsync();
        var waiting = await RunningJobAsync();
        await Store.CommitAsync(WaitCommit(waiting.Id, 1, StoreTestData.T0.AddDays(1), []), Ct);
        var done = await CreateJobAsync(StoreTestData.Job(state: JobState.Failed) with { FinishedAt = StoreTestData.T0 });

        Assert.Equal("stop", (await Store.RequestCancelAsync(running.Id, "stop", Ct))?.CancelRequested);
        Assert.Equal("stop", (await Store.RequestCancelAsync(running.Id, "again", Ct))?.CancelRequested);
        await Store.RequestCancelAsync(waiting.Id, "stop", Ct);
        Assert.Null((await Store.RequestCancelAsync(done.Id, "stop", Ct))?.CancelRequested);
        Assert.Null(await Store.RequestCancelAsync(Guid.NewGuid(), "stop", Ct));

        var requests = await Store.ListCancelRequestsAsync("node-a", Ct);
        Assert.Equal([new CancelRequest(running.Id, "stop")], requests);
        Assert.Empty(await Store.ListCancelRequestsAsync("node-b", Ct));
        Assert.Equal(waiting.Id, Assert.Single(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0, WaitLease, 10, Ct)).Id);
    }

    [Fact]
    public async Task CancelRequest_WhileRunning_MakesTheWaitItThenEntersDueAtOnce()
    {
        var job = await RunningJobAsync();
        await Store.RequestCancelAsync(job.Id, "stop", Ct);

        await Store.CommitAsync(WaitCommit(job.Id, 1, StoreTestData.T0.AddDays(1), []), Ct);

        var claimed = Assert.Single(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0, WaitLease, 10, Ct));
        Assert.Equal((job.Id, "stop"), (claimed.Id, claimed.CancelRequested));
    }
}
