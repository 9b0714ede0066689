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
    public async Task Wait_ReleasesLease_AndIsClaimedAndResumedOnceWhenDue()
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
        Assert.Equal(wakeAt + WaitLease, claimed.LeaseExpiresAt);
        Assert.Equal(JobState.Running, claimed.State);
        Assert.Equal(3, claimed.LastSequence);
        Assert.Null(claimed.WakeAt);
        Assert.Empty(claimed.WaitSignals);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), claimed.RunTime);
        StoreAssert.JobEqual(claimed, await Store.GetJobAsync(job.Id, Ct));
        var resumed = Assert.Single(await Store.GetEventsAsync(job.Id, 2, 10, Ct));
        Assert.Equal(new JobEvent(job.Id, 3, JobEventTypes.JobResumed, wakeAt), resumed);
        Assert.Empty(await Store.ClaimDueJobsAsync("node-c", wakeAt, WaitLease, 10, Ct));
        Assert.Empty(await Store.ClaimJobsAsync("node-c", wakeAt, WaitLease, 10, Ct));
        Assert.Equal([job.Id], await Store.RenewLeasesAsync("node-b", [job.Id], wakeAt, WaitLease, Ct));

        // The claimer goes on from the resumed sequence.
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 3,
            Events = [new JobEvent(job.Id, 4, JobEventTypes.JobSucceeded, wakeAt)],
            State = JobState.Succeeded,
            LeaseOwner = "node-b",
        }, Ct);
        Assert.Equal(JobState.Succeeded, (await Store.GetJobAsync(job.Id, Ct))?.State);
    }

    [Fact]
    public async Task ClaimDue_ManyDueAtOnce_ResumesEachOnceWithGaplessEvents()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            var job = await RunningJobAsync();
            await Store.CommitAsync(WaitCommit(job.Id, 1, StoreTestData.T0.AddSeconds(5), []), Ct);
            ids.Add(job.Id);
        }

        var due = StoreTestData.T0.AddSeconds(5);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Store.ClaimDueJobsAsync($"node-{n}", due, WaitLease, 10, Ct)));
        var rest = await Store.ClaimDueJobsAsync("node-last", due, WaitLease, 100, Ct);

        var claimed = claims.SelectMany(c => c).Concat(rest).ToList();
        Assert.Equal(ids.Order(), claimed.Select(j => j.Id).Order());
        foreach (var id in ids)
        {
            var events = await Store.GetEventsAsync(id, 0, 10, Ct);
            Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
            Assert.Equal(JobEventTypes.JobResumed, events[^1].Type);
        }
    }

    [Fact]
    public async Task Wait_ClaimedAfterItsClaimerDied()
    {
        var job = await RunningJobAsync();
        await Store.CommitAsync(WaitCommit(job.Id, 1, StoreTestData.T0, []), Ct);
        Assert.Single(await Store.ClaimDueJobsAsync("dies", StoreTestData.T0, WaitLease, 10, Ct));

        // Resumed by the claim, it is a running job whose lease runs out: taken over as any such job, from its events.
        var later = StoreTestData.T0 + WaitLease;
        Assert.Empty(await Store.ClaimDueJobsAsync("node-b", later, WaitLease, 10, Ct));
        var taken = Assert.Single(await Store.ClaimJobsAsync("node-b", later, WaitLease, 10, Ct));
        Assert.Equal(("node-b", JobState.Running, 3L), (taken.LeaseOwner, taken.State, taken.LastSequence));
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
        var claimed = Assert.Single(await Store.ClaimDueJobsAsync("node-b", StoreTestData.T0, WaitLease, 10, Ct));
        Assert.Equal(waiting.Id, claimed.Id);
        // Not resumed: its runner ends it cancelled without running a block.
        Assert.Equal((JobState.Waiting, 2L), (claimed.State, claimed.LastSequence));
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
