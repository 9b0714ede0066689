using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Testing.Faults;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>
/// Runs jobs through a store that fails chosen commits: before the write (a connection lost), or after it (the commit is
/// durable but its acknowledgement is lost). Whatever fails, the stored job is never stale, its events have no gaps and
/// it ends with exactly one terminal event.
/// </summary>
public sealed class CommitFaultTests : IAsyncDisposable
{
    private const string Echo = """
        name: Echo
        blocks:
          - { id: a, type: test-echo, value: 1 }
          - { id: b, type: test-echo, value: 2, after: [a] }
          - { id: out, type: test-output, value: done, after: [b] }
        """;

    private const string Gated = """
        name: Gated
        blocks:
          - { id: g, type: exec-gate, signal: started, wait: go }
          - { id: out, type: test-output, value: opened, after: [g] }
        """;

    private Func<JobCommit, int, CommitFault> _plan = (_, _) => CommitFault.None;
    private FaultyJobStore? _faulty;
    private readonly JobRuntimeHarness _runtime;

    public CommitFaultTests()
    {
        _runtime = new JobRuntimeHarness(
            jobs =>
            {
                jobs.MaxDuration = TimeSpan.FromMinutes(10);
                jobs.BlockTimeout = TimeSpan.Zero;
                jobs.CommitRetryWindow = TimeSpan.FromSeconds(1);
            },
            inner => _faulty = new FaultyJobStore(inner, (commit, n) => _plan(commit, n)));
    }

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task Run_EveryOtherCommitFailsOnceBeforeTheWrite_RetriedAndTheJobSucceeds()
    {
        await _runtime.PutAppAsync("echo", Echo);
        var failed = new HashSet<long>();
        // Each commit (known by its expected sequence) fails once, the first time it is sent.
        _plan = (commit, _) =>
        {
            lock (failed)
            {
                return failed.Add(commit.ExpectedSequence) ? CommitFault.FailBefore : CommitFault.None;
            }
        };

        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.True(_faulty!.Injected > 0);
        await AssertCleanAsync(job.Id, JobState.Succeeded);
    }

    [Fact]
    public async Task Run_EveryAcknowledgementLost_EachCommitLandsOnce_OneTerminalEvent()
    {
        await _runtime.PutAppAsync("echo", Echo);
        _plan = (_, _) => CommitFault.LoseAcknowledgement;

        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(10), CancellationToken.None);

        // The first commit also creates the job: its repeat meets "already exists", the terminal one "has finished";
        // both are recognised as the commit's own.
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("done", job.Result?.GetValue<string>());
        Assert.True(_faulty!.Injected >= 2);
        await AssertCleanAsync(job.Id, JobState.Succeeded);
    }

    [Fact]
    public async Task Run_TerminalAcknowledgementLost_NoSecondTerminalEvent()
    {
        await _runtime.PutAppAsync("echo", Echo);
        _plan = (commit, _) => commit.State == JobState.Succeeded ? CommitFault.LoseAcknowledgement : CommitFault.None;

        var job = await _runtime.Jobs.RunAsync(JobRuntimeHarness.Request("echo"), TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, _faulty!.Injected);
        await AssertCleanAsync(job.Id, JobState.Succeeded);
    }

    [Fact]
    public async Task Run_StoreDownPastTheRetryWindow_RunStopsAtItsLastCommit_AndResumesWhenBack()
    {
        await _runtime.PutAppAsync("gated", Gated);
        var down = false;
        _plan = (_, _) => Volatile.Read(ref down) ? CommitFault.FailBefore : CommitFault.None;
        var started = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("gated"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");
        await WaitUntilAsync(async () => (await _runtime.EventsAsync(started.Id)).Any(e => e.Type == JobEventTypes.BlockStarted));
        var completion = _runtime.Runner.GetCompletion(started.Id)!;

        Volatile.Write(ref down, true);
        _runtime.Gates.Open("go");
        var stopped = await completion.WaitAsync(JobRuntimeHarness.Deadline);

        // Nothing after the last durable commit was told to anyone or left half-written: the record and the log agree.
        Assert.False(stopped.State.IsTerminal());
        // The runner completes the run before it lets go of it (its finally block), so that comes a moment later.
        await WaitUntilAsync(() => Task.FromResult(!_runtime.Runner.IsRunningHere(started.Id)));
        var stored = await _runtime.Store.GetJobAsync(started.Id, CancellationToken.None);
        var events = await _runtime.EventsAsync(started.Id);
        Assert.Equal(JobState.Running, stored?.State);
        Assert.Equal(events[^1].Sequence, stored?.LastSequence);
        Assert.DoesNotContain(events, e => e.IsTerminal);

        // The store is back: once the lease runs out the job is claimed and finishes from its last commit.
        Volatile.Write(ref down, false);
        _runtime.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await _runtime.Jobs.ClaimAbandonedJobsAsync(CancellationToken.None));
        var finished = await _runtime.CompletionAsync(started.Id);

        Assert.Equal(JobState.Succeeded, finished.State);
        await AssertCleanAsync(started.Id, JobState.Succeeded);
    }

    [Fact]
    public async Task Cancel_AcknowledgementLost_CancelledOnce()
    {
        await _runtime.PutAppAsync("gated", Gated);
        var started = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("gated"), CancellationToken.None);
        await _runtime.Gates.WaitAsync("started");
        _plan = (commit, _) => commit.State == JobState.Cancelled ? CommitFault.LoseAcknowledgement : CommitFault.None;

        var cancelled = await _runtime.Jobs.CancelAsync(JobRuntimeHarness.Org, started.Id, "stop", CancellationToken.None);

        Assert.Equal(JobState.Cancelled, cancelled.State);
        await AssertCleanAsync(started.Id, JobState.Cancelled);
    }

    // The stored job ended in `state`, its events run 1..n without gaps or repeats, exactly one of them terminal and last.
    private async Task AssertCleanAsync(Guid jobId, JobState state)
    {
        var stored = await _runtime.Store.GetJobAsync(jobId, CancellationToken.None);
        var events = await _runtime.EventsAsync(jobId);
        Assert.Equal(state, stored?.State);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(events.Count, stored?.LastSequence);
        Assert.Single(events, e => e.IsTerminal);
        Assert.True(events[^1].IsTerminal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(JobRuntimeHarness.Deadline);
        while (!await condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
