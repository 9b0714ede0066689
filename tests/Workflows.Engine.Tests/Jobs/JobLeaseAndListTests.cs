using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Jobs.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>Leases running out on the fake clock, listing through <see cref="JobService"/>, and <see cref="JobExecution"/>'s guards.</summary>
public sealed class JobLeaseAndListTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly JobRuntimeHarness _runtime = new();

    public Task InitializeAsync() => Task.WhenAll(
        _runtime.PutAppAsync("echo", """
            name: Echo
            blocks:
              - { id: out, type: test-output, value: done }
            """),
        _runtime.PutAppAsync("forever", """
            name: Forever
            blocks:
              - { id: g, type: exec-gate, signal: started, wait: never }
            """));

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    // Disposing twice is harmless; this one satisfies CA1001.
    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task Beat_JobOfADeadNode_TakenOverOnlyOnceItsLeaseRunsOut()
    {
        var now = _runtime.Time.GetUtcNow();
        var job = RunningJob("node-dead", leaseUntil: now.AddSeconds(30));
        await _runtime.Store.CreateJobAsync(job, [new(job.Id, 1, JobEventTypes.JobQueued, now), new(job.Id, 2, JobEventTypes.JobStarted, now)], Ct);

        Assert.Equal(0, await _runtime.LeaseKeeper.BeatAsync(Ct));
        Assert.False(_runtime.Runner.IsRunningHere(job.Id));

        _runtime.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await _runtime.LeaseKeeper.BeatAsync(Ct));
        var finished = await _runtime.CompletionAsync(job.Id);

        Assert.Equal(JobState.Succeeded, finished.State);
        var stored = await _runtime.Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobRuntimeHarness.NodeId, stored?.LeaseOwner);
        Assert.Contains(await _runtime.EventsAsync(job.Id), e => e.Type == JobEventTypes.Log && e.Text == "job resumed after a restart");
    }

    [Fact]
    public async Task Beat_LeaseTakenByAnotherNode_StopsTheRunHereWithoutWriting()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), Ct);
        await _runtime.Gates.WaitAsync("started");
        var before = await _runtime.Store.GetJobAsync(job.Id, Ct);

        // This node stalls past its lease; another node takes the job.
        _runtime.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(await _runtime.Store.ClaimJobsAsync("node-b", _runtime.Time.GetUtcNow(), TimeSpan.FromSeconds(30), 10, Ct));
        var completion = _runtime.Runner.GetCompletion(job.Id)!;
        await _runtime.LeaseKeeper.BeatAsync(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion.WaitAsync(JobRuntimeHarness.Deadline));
        var after = await _runtime.Store.GetJobAsync(job.Id, Ct);
        Assert.Equal("node-b", after?.LeaseOwner);
        Assert.Equal(JobState.Running, after?.State);
        Assert.Equal(before?.LastSequence, after?.LastSequence);
    }

    [Fact]
    public async Task Beat_RunningHere_RenewsTheLeaseFromTheFakeClock()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), Ct);
        await _runtime.Gates.WaitAsync("started");

        _runtime.Time.Advance(TimeSpan.FromSeconds(20));
        await _runtime.LeaseKeeper.BeatAsync(Ct);

        var stored = await _runtime.Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(_runtime.Time.GetUtcNow().AddSeconds(30), stored?.LeaseExpiresAt);
        Assert.True(_runtime.Runner.IsRunningHere(job.Id));
    }

    [Fact]
    public async Task CancelAsync_JobOfADeadNode_StoresTheRequestAndFinishesItThroughTheStore()
    {
        // A live holder carries the stored request out itself (JobWaker); one whose lease ran out cannot, so it ends here.
        var now = _runtime.Time.GetUtcNow();
        var job = RunningJob("node-b", leaseUntil: now.AddSeconds(-1));
        await _runtime.Store.CreateJobAsync(job, [new(job.Id, 1, JobEventTypes.JobQueued, now), new(job.Id, 2, JobEventTypes.JobStarted, now)], Ct);

        var cancelled = await _runtime.Jobs.CancelAsync(JobRuntimeHarness.Org, job.Id, null, Ct);

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("cancelled by request", cancelled.Error);
        Assert.Equal(JobState.Cancelled, (await _runtime.Store.GetJobAsync(job.Id, Ct))?.State);
        Assert.Equal(JobEventTypes.JobCancelled, (await _runtime.EventsAsync(job.Id))[^1].Type);
        Assert.Equal("cancelled by request", (await _runtime.Store.GetJobAsync(job.Id, Ct))?.CancelRequested);
    }

    [Fact]
    public async Task ListAsync_PagesNewestFirstWithinTheOrganisationAndFilters()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(30), Ct)).Id);
            _runtime.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var other = RunningJob("node-b", _runtime.Time.GetUtcNow()) with { OrganizationId = "org-b" };
        await _runtime.Store.CreateJobAsync(other with { LastSequence = 1 }, [new(other.Id, 1, JobEventTypes.JobQueued, other.CreatedAt)], Ct);

        var first = await _runtime.Jobs.ListAsync(new JobQuery(JobRuntimeHarness.Org, 2, null), Ct);
        var second = await _runtime.Jobs.ListAsync(new JobQuery(JobRuntimeHarness.Org, 2, first.NextPageToken), Ct);
        var running = await _runtime.Jobs.ListAsync(new JobQuery(JobRuntimeHarness.Org, 10, null) { State = JobState.Running }, Ct);
        var ofOtherApp = await _runtime.Jobs.ListAsync(new JobQuery(JobRuntimeHarness.Org, 10, null) { AppIds = ["forever"] }, Ct);

        Assert.Equal([ids[2], ids[1]], first.Jobs.Select(j => j.Id));
        Assert.NotNull(first.NextPageToken);
        Assert.Equal([ids[0]], second.Jobs.Select(j => j.Id));
        Assert.Null(second.NextPageToken);
        Assert.Empty(running.Jobs);
        Assert.Empty(ofOtherApp.Jobs);
        var error = await Assert.ThrowsAsync<EngineException>(() => _runtime.Jobs.ListAsync(new JobQuery(JobRuntimeHarness.Org, 2, "garbage"), Ct));
        Assert.Equal(EngineErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task Execution_StepsCommittedInOrder_WatchersSeeThemOnlyOnceStored()
    {
        var now = _runtime.Time.GetUtcNow();
        var job = RunningJob(JobRuntimeHarness.NodeId, now.AddSeconds(30)) with { State = JobState.Queued, LastSequence = 1 };
        await _runtime.Store.CreateJobAsync(job, [new(job.Id, 1, JobEventTypes.JobQueued, now)], Ct);
        using var subscription = _runtime.Hub.Subscribe(job.Id);
        var execution = new JobExecution(_runtime.Store, _runtime.Hub, _runtime.Time, job, JobRuntimeHarness.NodeId);

        await execution.StartAsync();
        await execution.LogAsync("working");
        _runtime.Time.Advance(TimeSpan.FromSeconds(3));
        await execution.FinishAsync(JobState.Succeeded, new JsonObject { ["ok"] = true }, null, new NoPayloads());

        var stored = await _runtime.Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Succeeded, stored?.State);
        Assert.Equal(4, stored?.LastSequence);
        Assert.Equal(now, stored?.StartedAt);
        Assert.Equal(now.AddSeconds(3), stored?.FinishedAt);
        var events = await _runtime.EventsAsync(job.Id);
        Assert.Equal([JobEventTypes.JobQueued, JobEventTypes.JobStarted, JobEventTypes.Log, JobEventTypes.JobSucceeded], events.Select(e => e.Type));
        Assert.Equal(TimeSpan.FromSeconds(3), events[^1].Duration);
        var published = new List<long>();
        while (subscription.Reader.TryRead(out var ev))
        {
            published.Add(ev.Sequence);
        }
        Assert.Equal([2L, 3, 4], published);
    }

    [Fact]
    public async Task Execution_LeaseHeldByAnotherNode_RefusedAndNothingWritten()
    {
        var now = _runtime.Time.GetUtcNow();
        var job = RunningJob("node-b", now.AddSeconds(30));
        await _runtime.Store.CreateJobAsync(job, [new(job.Id, 1, JobEventTypes.JobQueued, now), new(job.Id, 2, JobEventTypes.JobStarted, now)], Ct);
        var execution = new JobExecution(_runtime.Store, _runtime.Hub, _runtime.Time, job, JobRuntimeHarness.NodeId);

        await Assert.ThrowsAsync<ConcurrencyException>(
            async () => await execution.FinishAsync(JobState.Succeeded, JsonValue.Create(1), null, new NoPayloads()));

        var stored = await _runtime.Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Running, stored?.State);
        Assert.Equal(2, stored?.LastSequence);
    }

    private static JobRecord RunningJob(string leaseOwner, DateTimeOffset leaseUntil) => new()
    {
        Id = Guid.NewGuid(),
        OrganizationId = JobRuntimeHarness.Org,
        AppId = "echo",
        Workflow = "main",
        State = JobState.Running,
        Variables = [],
        CreatedAt = leaseUntil.AddSeconds(-30),
        StartedAt = leaseUntil.AddSeconds(-30),
        LastSequence = 2,
        LeaseOwner = leaseOwner,
        LeaseExpiresAt = leaseUntil,
    };

    private sealed class NoPayloads : ICallbackPayloadFactory
    {
        public string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost) => "{}";
    }
}
