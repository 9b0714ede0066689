using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>Rerunning a job through <see cref="JobService.RerunAsync"/> on the in-memory store.</summary>
public sealed class JobRerunTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly JobRuntimeHarness _runtime = new(jobs => jobs.BlockTimeout = TimeSpan.Zero);

    public Task InitializeAsync() => Task.WhenAll(
        _runtime.PutAppAsync("chain", """
            name: Chain
            blocks:
              - { id: a, type: test-spend, cost: "0.25", tokens: 10 }
              - { id: b, type: test-spend, cost: "0.25", tokens: 10, after: [a] }
              - { id: c, type: test-spend, cost: "0.25", tokens: 10, after: [b] }
              - { id: out, type: test-output, value: done, after: [c] }
            """),
        _runtime.PutAppAsync("vars", """
        name: Vars
        launchVariables:
          who: { type: string, required: true }
          greeting: { type: string, default: hello }
        blocks:
          - { id: a, type: test-spend, cost: "0.25", tokens: 10 }
          - { id: out, type: test-output, value: done, after: [a] }
        """));

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task RerunAsync_WithVariables_NewJobOverlaysThemAndKeepsTheBudget()
    {
        var request = JobRuntimeHarness.Request("vars") with
        {
            Variables = new JsonObject { ["who"] = "otters", ["greeting"] = "hi" },
            Budget = new JobBudget(1m, null),
            Creator = "alice",
        };
        var original = await _runtime.CompletionAsync((await _runtime.Jobs.StartAsync(request, CancellationToken.None)).Id);

        var started = await _runtime.Jobs.RerunAsync(
            original, new JsonObject { ["who"] = "badgers" }, "tester", CancellationToken.None, creator: "bob");
        var rerun = await _runtime.CompletionAsync(started.Id);

        Assert.NotEqual(original.Id, rerun.Id);
        Assert.Equal(original.Id, rerun.RerunOf);
        Assert.Equal(JobState.Succeeded, rerun.State);
        Assert.Equal(("badgers", "hi"), ((string?)rerun.Variables["who"], (string?)rerun.Variables["greeting"]));
        Assert.Equal(new JobBudget(1m, null), rerun.Budget);
        var stored = await _runtime.Store.GetJobAsync(JobRuntimeHarness.Org, rerun.Id, CancellationToken.None);
        Assert.Equal(original.Id, stored?.RerunOf);
        Assert.Equal(("alice", "bob"), (original.Creator, stored?.Creator));
    }

    [Fact]
    public async Task RerunAsync_FromBlock_EarlierBlocksReuseStoredOutputsAndTheRestRunAgain()
    {
        var original = await _runtime.CompletionAsync((await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("chain"), CancellationToken.None)).Id);

        var started = await _runtime.Jobs.RerunAsync(original, null, "tester", CancellationToken.None, fromBlock: "b");
        var rerun = await _runtime.CompletionAsync(started.Id);

        Assert.Equal(JobState.Succeeded, rerun.State);
        var events = await _runtime.EventsAsync(rerun.Id);
        Assert.Equal(["b", "c", "out"], events.Where(e => e.Type == JobEventTypes.BlockStarted).Select(e => e.BlockId));
        var reused = Assert.Single(events, e => e.Type == JobEventTypes.BlockCompleted && e.BlockId == "a");
        Assert.Contains(original.Id.ToString(), reused.Text, StringComparison.Ordinal);
        var outputs = await _runtime.Store.GetOutputsAsync(rerun.Id, CancellationToken.None);
        Assert.Equal("a", (string?)outputs["a"]);
        // Only the blocks that ran again cost anything.
        Assert.Equal(0.50m, await Billing.SumAsync(_runtime.Store, rerun.Id, CancellationToken.None));
    }

    [Fact]
    public async Task RerunAsync_UnknownFromBlock_InvalidArgumentNamingFromBlock()
    {
        var original = await _runtime.CompletionAsync((await _runtime.Jobs.StartAsync(JobRuntimeHarness.Request("chain"), CancellationToken.None)).Id);

        var error = await Assert.ThrowsAsync<EngineException>(() =>
            _runtime.Jobs.RerunAsync(original, null, "tester", CancellationToken.None, fromBlock: "nope"));

        Assert.Equal(EngineErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("fromBlock:", error.Message, StringComparison.Ordinal);
    }
}
