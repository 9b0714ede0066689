using System.Text.Json.Nodes;
using static Workflows.Engine.Tests.Execution.ExecutorHarness;

namespace Workflows.Engine.Tests.Execution;

/// <summary>
/// Per-block timeouts: a block's own <c>timeout</c>, or the default the runner passes; <c>delay</c> is exempt from the
/// default. Blocks wait on gates that never open, so each test takes about its timeout and no longer.
/// </summary>
public sealed class WorkflowExecutorTimeoutTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ExecutorHarness _harness = new();

    [Fact]
    public async Task ExecuteAsync_BlockExceedsItsTimeout_FailsNamingBlockAndLimit()
    {
        var workflow = Workflow(
            Value("first", "ok"),
            Block("stuck", "exec-gate", new JsonObject { ["wait"] = "never", ["timeout"] = "200ms" }),
            Value("never", "not reached"));

        var outcome = await _harness.RunAsync(workflow).WaitAsync(Bound);

        Assert.False(outcome.Succeeded);
        Assert.Equal("block 'stuck' timed out after 200ms", outcome.Error);
        Assert.Equal(
            ["started:first", "completed:first", "started:stuck", "failed:stuck:block 'stuck' timed out after 200ms"],
            _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_DefaultBlockTimeout_AppliesToBlocksWithoutTheirOwn()
    {
        var workflow = Workflow(Block("stuck", "exec-gate", new JsonObject { ["wait"] = "never" }));
        var request = Request(workflow) with { DefaultBlockTimeout = TimeSpan.FromSeconds(0.25) };

        var outcome = await _harness.RunAsync(request).WaitAsync(Bound);

        Assert.Equal("block 'stuck' timed out after 250ms", outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_OwnTimeout_WinsOverTheDefault()
    {
        var workflow = Workflow(Block("quick", "exec-gate", new JsonObject { ["signal"] = "s", ["timeout"] = "5s" }));
        var request = Request(workflow) with { DefaultBlockTimeout = TimeSpan.FromMilliseconds(1) };

        var outcome = await _harness.RunAsync(request).WaitAsync(Bound);

        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_Delay_ExemptFromTheDefaultButHonoursItsOwn()
    {
        var exempt = Workflow(Block("wait", "delay", new JsonObject { ["duration"] = "300ms" }));
        var outcome = await _harness.RunAsync(Request(exempt) with { DefaultBlockTimeout = TimeSpan.FromMilliseconds(50) }).WaitAsync(Bound);
        Assert.True(outcome.Succeeded, outcome.Error);

        var bounded = Workflow(Block("wait", "delay", new JsonObject { ["duration"] = "1h", ["timeout"] = "200ms" }));
        outcome = await new ExecutorHarness().RunAsync(bounded).WaitAsync(Bound);
        Assert.Equal("block 'wait' timed out after 200ms", outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_Foreach_TimeoutBoundsTheWholeBlock()
    {
        var workflow = Workflow(Block("each", "foreach", new JsonObject
        {
            ["items"] = new JsonArray("a", "b", "c"),
            ["parallelism"] = 1,
            ["timeout"] = "300ms",
            ["block"] = new JsonObject { ["type"] = "exec-gate", ["wait"] = "never" },
        }));

        var outcome = await _harness.RunAsync(workflow).WaitAsync(Bound);

        Assert.Equal("block 'each' timed out after 300ms", outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_ForeachInlineBlockTimeout_BoundsEachElement()
    {
        var workflow = Workflow(Block("each", "foreach", new JsonObject
        {
            ["items"] = new JsonArray("a"),
            ["block"] = new JsonObject { ["type"] = "exec-gate", ["wait"] = "never", ["timeout"] = "200ms" },
        }));

        var outcome = await _harness.RunAsync(workflow).WaitAsync(Bound);

        Assert.False(outcome.Succeeded);
        Assert.Contains("timed out after 200ms", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ResumedBlock_TimeoutCountsFromItsFirstStart()
    {
        var workflow = Workflow(Block("stuck", "exec-gate", new JsonObject { ["wait"] = "never", ["timeout"] = "1m" }));
        var request = Request(workflow) with
        {
            StartedBlocks = new Dictionary<string, DateTimeOffset> { ["stuck"] = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2) },
        };

        var outcome = await _harness.RunAsync(request).WaitAsync(Bound);

        Assert.Equal("block 'stuck' timed out after 1m", outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsBeforeTheTimeout_CancelledNotTimedOut()
    {
        var workflow = Workflow(Block("stuck", "exec-gate", new JsonObject { ["wait"] = "never", ["signal"] = "in", ["timeout"] = "1h" }));
        using var cancel = new CancellationTokenSource();

        var run = _harness.RunAsync(workflow, cancel.Token);
        await _harness.Gates.WaitAsync("in");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.DoesNotContain(_harness.Observer.Events, e => e.StartsWith("failed:", StringComparison.Ordinal));
    }
}
