using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>
/// Watching at the edges: from the end of a finished job, a job that retention removed while watched, and catching
/// watchers up after wake-ups from other nodes were missed.
/// </summary>
public sealed class WatchEdgeTests : IAsyncLifetime, IAsyncDisposable
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
              - { id: out, type: test-output, value: done }
            """),
        _runtime.PutAppAsync("forever", """
            name: Forever
            blocks:
              - { id: g, type: exec-gate, signal: started, wait: never }
            """));

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Watch_FinishedJobFromItsLastEventOrBeyond_EndsAtOnceWithNothing(long beyond)
    {
        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(JobState.Succeeded, job.State);

        using var deadline = new CancellationTokenSource(JobRuntimeHarness.Deadline);
        var events = new List<JobEvent>();
        await foreach (var ev in _runtime.Jobs.WatchAsync(JobRuntimeHarness.Org, job.Id, job.LastSequence + beyond, deadline.Token))
        {
            events.Add(ev);
        }

        Assert.Empty(events);
        Assert.False(deadline.IsCancellationRequested);
    }

    [Fact]
    public async Task Watch_JobFinishedElsewhereAndRemovedByRetention_EndsWithNotFound()
    {
        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");
        using var deadline = new CancellationTokenSource(JobRuntimeHarness.Deadline);
        var watch = Task.Run(async () =>
        {
            await foreach (var ev in _runtime.Jobs.WatchAsync(JobRuntimeHarness.Org, job.Id, 0, deadline.Token))
            {
                if (ev.IsTerminal)
                {
                    return "ended with " + ev.Type;
                }
            }

            return "ended without a terminal event";
        });
        await WaitUntilAsync(() => _runtime.Hub.WatchedJobs == 1);
        var watched = await _runtime.Store.GetJobAsync(job.Id, CancellationToken.None);
        // Another node ended it (its event never reaches this node's hub), and retention removed it before any wake-up.
        _runtime.Runner.Abandon(job.Id);
        await WaitUntilAsync(() => !_runtime.Runner.IsRunningHere(job.Id));
        var stored = await _runtime.Store.GetJobAsync(job.Id, CancellationToken.None);
        await _runtime.Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = stored!.LastSequence,
            Events = [new JobEvent(job.Id, stored.LastSequence + 1, JobEventTypes.JobCancelled, _runtime.Time.GetUtcNow())],
            State = JobState.Cancelled,
            FinishedAt = _runtime.Time.GetUtcNow(),
            Error = "stopped elsewhere",
        }, CancellationToken.None);
        Assert.Single(await _runtime.Store.PruneAsync(_runtime.Time.GetUtcNow().AddDays(1), 10, CancellationToken.None));

        Assert.Equal(1, await _runtime.Changes.CatchUpOnceAsync(CancellationToken.None));

        var error = await Assert.ThrowsAsync<EngineException>(() => watch);
        Assert.Equal(EngineErrorKind.NotFound, error.Kind);
        Assert.NotNull(watched);
    }

    [Fact]
    public async Task CatchUp_WakesOnlyWatchersOfJobsThatMovedOnElsewhere()
    {
        var quiet = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), CancellationToken.None);
        var moving = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("forever"), CancellationToken.None);
        await WaitUntilAsync(async () =>
            (await _runtime.EventsAsync(quiet.Id)).Any(e => e.Type == JobEventTypes.BlockStarted) &&
            (await _runtime.EventsAsync(moving.Id)).Any(e => e.Type == JobEventTypes.BlockStarted));
        using var deadline = new CancellationTokenSource(JobRuntimeHarness.Deadline);
        var seenOnMoving = new List<JobEvent>();
        var reachedLog = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var follow = Task.Run(async () =>
        {
            await foreach (var ev in _runtime.Jobs.WatchAsync(JobRuntimeHarness.Org, moving.Id, 0, deadline.Token))
            {
                lock (seenOnMoving)
                {
                    seenOnMoving.Add(ev);
                }

                if (ev.Type == JobEventTypes.Log && ev.Text == "written elsewhere")
                {
                    reachedLog.TrySetResult();
                }
            }
        });
        var idle = Task.Run(async () =>
        {
            await foreach (var _ in _runtime.Jobs.WatchAsync(JobRuntimeHarness.Org, quiet.Id, 0, deadline.Token))
            {
            }
        });
        await WaitUntilAsync(() => _runtime.Hub.WatchedJobs == 2);

        // Nothing moved that the watchers were not told of: nobody is woken.
        Assert.Equal(0, await _runtime.Changes.CatchUpOnceAsync(CancellationToken.None));

        // Another writer appends to one job without this node's hub hearing of it (a lost notification).
        _runtime.Runner.Abandon(moving.Id);
        await WaitUntilAsync(() => !_runtime.Runner.IsRunningHere(moving.Id));
        var stored = await _runtime.Store.GetJobAsync(moving.Id, CancellationToken.None);
        await _runtime.Store.CommitAsync(new JobCommit
        {
            JobId = moving.Id,
            ExpectedSequence = stored!.LastSequence,
            Events = [new JobEvent(moving.Id, stored.LastSequence + 1, JobEventTypes.Log, _runtime.Time.GetUtcNow()) { Text = "written elsewhere" }],
        }, CancellationToken.None);

        Assert.Equal(1, await _runtime.Changes.CatchUpOnceAsync(CancellationToken.None));
        await reachedLog.Task.WaitAsync(JobRuntimeHarness.Deadline);
        Assert.Equal(0, await _runtime.Changes.CatchUpOnceAsync(CancellationToken.None));
        lock (seenOnMoving)
        {
            Assert.Equal(Enumerable.Range(1, seenOnMoving.Count).Select(i => (long)i), seenOnMoving.Select(e => e.Sequence));
        }

        await deadline.CancelAsync();
        await Task.WhenAll(follow, idle).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(JobRuntimeHarness.Deadline);
        while (!await condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
