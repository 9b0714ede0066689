using Workflows.Engine.Jobs;
using Workflows.Storage.Testing.Faults;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>
/// A claim can come while the run that suspended the job is still unwinding after its wait became durable (a timer due
/// at once, a signal stored before the wait): the job must still run, not sit leased and idle until its lease runs out.
/// </summary>
public sealed class ClaimWhileUnwindingTests : IAsyncDisposable
{
    private readonly JobRuntimeHarness _runtime;
    private int _claimed = -1;

    public ClaimWhileUnwindingTests() =>
        _runtime = new JobRuntimeHarness(
            jobs => jobs.MaxDuration = TimeSpan.FromMinutes(10),
            inner => new FaultyJobStore(inner, (_, _) => CommitFault.None, ClaimAtOnceAsync));

    [Fact]
    public async Task Claim_WhileTheRunThatSuspendedTheJobIsStillRegistered_RunsTheJobOnceThatRunIsGone()
    {
        await _runtime.PutAppAsync("delayed", """
            name: Delayed
            blocks:
              - { id: wait, type: delay, duration: 5m }
              - { id: out, type: test-output, value: waited, after: [wait] }
            """);

        var job = await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("delayed"), CancellationToken.None);
        var end = await _runtime.WaitForEventAsync(job.Id, e => e.IsTerminal);

        Assert.Equal(1, _claimed);
        Assert.Equal(JobEventTypes.JobSucceeded, end.Type);
        var stored = await _runtime.Store.GetJobAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobState.Succeeded, stored?.State);
        Assert.Equal("waited", stored?.Result?.GetValue<string>());
    }

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();

    // Once the job's wait is in the store, and before the run that wrote it hears so (it is still registered as running
    // here), the wait is over and the waker claims the job.
    private async Task ClaimAtOnceAsync(Workflows.Engine.Storage.JobCommit commit)
    {
        if (commit.Wait is null || Interlocked.CompareExchange(ref _claimed, 0, -1) != -1)
        {
            return;
        }

        Assert.True(_runtime.Runner.IsRunningHere(commit.JobId));
        _runtime.Time.Advance(TimeSpan.FromMinutes(5));
        _claimed = await _runtime.Waker.WakeAsync(CancellationToken.None);
    }
}
