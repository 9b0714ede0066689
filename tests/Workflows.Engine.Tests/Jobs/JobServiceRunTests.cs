using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>Starting, waiting for and finishing jobs through <see cref="JobService"/> on the in-memory store.</summary>
public sealed class JobServiceRunTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly JobRuntimeHarness _runtime = new(jobs =>
    {
        jobs.MaxDuration = TimeSpan.FromMinutes(10);
        jobs.BlockTimeout = TimeSpan.Zero;
    });

    public Task InitializeAsync() => Task.WhenAll(
        _runtime.PutAppAsync("echo", """
            name: Echo
            blocks:
              - { id: a, type: test-echo, value: { n: 1 } }
              - { id: out, type: test-output, value: done ✓, after: [a] }
            """),
        _runtime.PutAppAsync("fail", """
            name: Fail
            blocks:
              - { id: a, type: test-echo, value: 1 }
              - { id: boom, type: test-fail, after: [a] }
            """),
        _runtime.PutAppAsync("gated", """
            name: Gated
            blocks:
              - { id: g, type: exec-gate, signal: started, wait: go }
              - { id: out, type: test-output, value: opened, after: [g] }
            """),
        _runtime.PutAppAsync("forever", """
            name: Forever
            blocks:
              - { id: g, type: exec-gate, signal: started, wait: never }
            """),
        _runtime.PutAppAsync("delayed", """
            name: Delayed
            blocks:
              - { id: wait, type: delay, duration: 5m }
              - { id: out, type: test-output, value: waited, after: [wait] }
            """));

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    // Disposing twice is harmless; this one satisfies CA1001.
    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task RunAsync_InProcessBlocks_AnswersWithTheFinishedJobAndStoresEveryStep()
    {
        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("done ✓", job.Result?.GetValue<string>());
        var stored = await _runtime.Store.GetJobAsync(JobRuntimeHarness.Org, job.Id, CancellationToken.None);
        Assert.Equal(JobState.Succeeded, stored?.State);
        Assert.Equal(job.LastSequence, stored?.LastSequence);
        Assert.Equal(_runtime.Time.GetUtcNow(), stored?.FinishedAt);
        var events = await _runtime.EventsAsync(job.Id);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(JobEventTypes.JobQueued, events[0].Type);
        Assert.Equal(JobEventTypes.JobStarted, events[1].Type);
        Assert.Equal(JobEventTypes.JobSucceeded, events[^1].Type);
        Assert.Equal(["a", "out"], events.Where(e => e.Type == JobEventTypes.BlockCompleted).Select(e => e.BlockId));
        var outputs = await _runtime.Store.GetOutputsAsync(job.Id, CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["n"] = 1 }, outputs["a"]));
    }

    [Fact]
    public async Task StartAsync_WaitingBlock_AnswersAtOnceThenTheJobFinishesInTheBackground()
    {
        var started = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("gated"), CancellationToken.None);
        Assert.False(started.State.IsTerminal());

        await _runtime.Gates.WaitAsync("started");
        Assert.Equal(JobState.Running, (await _runtime.Jobs.GetAsync(JobRuntimeHarness.Org, started.Id, CancellationToken.None)).State);
        Assert.True(_runtime.Runner.IsRunningHere(started.Id));

        _runtime.Gates.Open("go");
        var finished = await _runtime.Jobs.WaitAsync(started, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal("opened", finished.Result?.GetValue<string>());
    }

    [Fact]
    public async Task WaitAsync_JobStillRunningWhenTheFakeClockPassesTheWait_AnswersWithTheRunningJob()
    {
        var started = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("gated"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");

        var waiting = _runtime.Jobs.WaitAsync(started, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        _runtime.Time.Advance(TimeSpan.FromSeconds(5));
        var answered = await waiting.WaitAsync(JobRuntimeHarness.Deadline);

        Assert.Equal(JobState.Running, answered.State);
        _runtime.Gates.Open("go");
        Assert.Equal(JobState.Succeeded, (await _runtime.CompletionAsync(started.Id)).State);
    }

    [Fact]
    public async Task RunAsync_FailingBlock_FailsTheJobWithTheBlockError()
    {
        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("fail"), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(JobState.Failed, job.State);
        Assert.Contains("failed on purpose", job.Error, StringComparison.Ordinal);
        var events = await _runtime.EventsAsync(job.Id);
        var blockFailed = Assert.Single(events, e => e.Type == JobEventTypes.BlockFailed);
        Assert.Equal("boom", blockFailed.BlockId);
        Assert.Equal(JobEventTypes.JobFailed, events[^1].Type);
        var posts = await _runtime.Store.GetPostsAsync(job.Id, CancellationToken.None);
        Assert.Equal(job.Error, Assert.Single(posts, p => p.Role == "system").Content);
    }

    [Fact]
    public async Task Run_DelayBlock_WaitsAsDataAndResumesWhenTheFakeClockReachesItsEnd()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("delayed"), CancellationToken.None);
        var t0 = _runtime.Time.GetUtcNow();
        await _runtime.WaitForEventAsync(job.Id, e => e is { Type: JobEventTypes.JobWaiting, BlockId: "wait" });
        var waker = _runtime.Waker;

        _runtime.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await waker.WakeAsync(CancellationToken.None));
        var waiting = await _runtime.Store.GetJobAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobState.Waiting, waiting?.State);
        Assert.Null(waiting?.LeaseOwner);
        Assert.Equal(t0.AddMinutes(5), waiting?.WakeAt);

        _runtime.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await waker.WakeAsync(CancellationToken.None));
        var finished = await _runtime.CompletionAsync(job.Id);

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal("waited", finished.Result?.GetValue<string>());
        var ended = (await _runtime.Store.GetOutputsAsync(job.Id, CancellationToken.None))["wait"]?.GetValue<string>();
        Assert.Equal(t0.AddMinutes(5), DateTimeOffset.Parse(ended!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_LongerThanMaxDuration_FailsWhenTheFakeClockPassesTheLimit()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");

        _runtime.Time.Advance(TimeSpan.FromMinutes(10));
        var finished = await _runtime.CompletionAsync(job.Id);

        Assert.Equal(JobState.Failed, finished.State);
        Assert.Contains("time limit", finished.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_RunningHere_StopsTheBlockAndRecordsTheReason()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");

        var cancelled = await _runtime.Jobs.CancelAsync(JobRuntimeHarness.Org, job.Id, "no longer needed", CancellationToken.None);

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("no longer needed", cancelled.Error);
        Assert.False(_runtime.Runner.IsRunningHere(job.Id));
        var events = await _runtime.EventsAsync(job.Id);
        Assert.Equal(JobEventTypes.JobCancelled, events[^1].Type);
        Assert.Equal(JobState.Cancelled, (await _runtime.Store.GetJobAsync(job.Id, CancellationToken.None))?.State);
    }

    [Fact]
    public async Task CancelAsync_FinishedOrOtherOrganisation_LeavesTheJobAlone()
    {
        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(30), CancellationToken.None);

        var again = await _runtime.Jobs.CancelAsync(JobRuntimeHarness.Org, job.Id, null, CancellationToken.None);

        Assert.Equal(JobState.Succeeded, again.State);
        Assert.Equal(job.LastSequence, again.LastSequence);
        var error = await Assert.ThrowsAsync<EngineException>(() => _runtime.Jobs.CancelAsync("org-b", job.Id, null, CancellationToken.None));
        Assert.Equal(EngineErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task RunAsync_WithCallback_CommitsTheDeliveryWithTheTerminalStep()
    {
        var job = await _runtime.Jobs.RunAsync(
            JobRuntimeHarness.Request("fail", callbackUrl: "https://example.test/hook"), TimeSpan.FromSeconds(30), CancellationToken.None);

        var delivery = Assert.Single(await _runtime.Store.ListDeliveriesAsync(job.Id, CancellationToken.None));
        Assert.Equal("callback", delivery.Kind);
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(job.FinishedAt, delivery.NextAttemptAt);
        Assert.Contains("\"state\":\"Failed\"", delivery.Payload, StringComparison.Ordinal);
        Assert.Contains("\"posts\":1", delivery.Payload, StringComparison.Ordinal);
    }
}
