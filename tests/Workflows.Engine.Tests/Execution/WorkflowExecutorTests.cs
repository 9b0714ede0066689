using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using static Workflows.Engine.Tests.Execution.ExecutorHarness;

namespace Workflows.Engine.Tests.Execution;

public sealed class WorkflowExecutorTests
{
    private readonly ExecutorHarness _harness = new();

    [Fact]
    public async Task ExecuteAsync_SpecExample_RunsInOrderAndReturnsOutput()
    {
        var workflow = Workflow(
            [new LaunchVariableDefinition("topic", "string", true, null, ""), new LaunchVariableDefinition("tone", "string", false, "friendly", "")],
            Block("prompt", "template", new JsonObject { ["text"] = "Write a {{$launchVariables->tone}} post about: {{$launchVariables->topic}}" }),
            Block("shout", "script", new JsonObject { ["code"] = "return prompt.toUpperCase();" }),
            Block("out", "output", new JsonObject { ["value"] = "{{shout}}" }));

        var outcome = await _harness.RunAsync(Request(workflow, new JsonObject { ["topic"] = "owls", ["tone"] = "friendly" }));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("WRITE A FRIENDLY POST ABOUT: OWLS", outcome.Result!.GetValue<string>());
        Assert.Equal(
            ["started:prompt", "completed:prompt", "started:shout", "completed:shout", "started:out", "completed:out"],
            _harness.Observer.Events);
        Assert.Equal("WRITE A FRIENDLY POST ABOUT: OWLS", _harness.Observer.Results["out"].Post);
    }

    [Fact]
    public async Task ExecuteAsync_DeclaredButMissingLaunchVariable_RendersEmpty()
    {
        var workflow = Workflow(
            [new LaunchVariableDefinition("tone", "string", false, null, "")],
            Block("t", "template", new JsonObject { ["text"] = "[{{$launchVariables->tone}}]" }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("[]", outcome.Result!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_BlocksAfterTheSameBlock_RunAtTheSameTime()
    {
        // b waits until c has started and c until b has: both must be running at once, or the deadline fails them.
        var workflow = Workflow(
            Value("a", "A"),
            Block("b", "exec-gate", new JsonObject { ["signal"] = "b", ["wait"] = "c" }, after: ["a"]),
            Block("c", "exec-gate", new JsonObject { ["signal"] = "c", ["wait"] = "b" }, after: ["a"]),
            Value("d", "{{ b }}+{{ c }}", after: ["b", "c"]));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("b+c", outcome.Result!.GetValue<string>());
        var events = _harness.Observer.Events.ToList();
        Assert.True(events.IndexOf("completed:a") < events.IndexOf("started:b"));
        Assert.True(events.IndexOf("completed:b") < events.IndexOf("started:d"));
        Assert.True(events.IndexOf("completed:c") < events.IndexOf("started:d"));
    }

    [Fact]
    public async Task ExecuteAsync_ExplicitEmptyAfter_StartsWithoutWaiting()
    {
        // "second" names no dependency, so it may start while "first" (written before it) still runs.
        var workflow = Workflow(
            Block("first", "exec-gate", new JsonObject { ["wait"] = "second-started" }),
            Block("second", "exec-gate", new JsonObject { ["signal"] = "second-started" }, after: []));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_BlockFails_StopsDependentsAndReportsFailure()
    {
        var workflow = Workflow(
            Value("a", "A"),
            Block("b", "exec-throw", new JsonObject { ["message"] = "the model said no" }),
            Value("c", "C"));

        var outcome = await _harness.RunAsync(workflow);

        Assert.False(outcome.Succeeded);
        Assert.Equal("block 'b' failed: the model said no", outcome.Error);
        Assert.Equal(["started:a", "completed:a", "started:b", "failed:b:the model said no"], _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_PlainException_ReportsMessageWithBlockName()
    {
        var outcome = await _harness.RunAsync(Workflow(Block("b", "exec-throw", new JsonObject { ["crash"] = "boom" })));

        Assert.Equal("block 'b' failed: boom", outcome.Error);
        Assert.Contains("failed:b:block 'b' failed: boom", _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_FailureWhileSiblingRuns_CancelsAndAwaitsSibling()
    {
        var workflow = Workflow(
            Value("a", "A"),
            Block("slow", "exec-gate", new JsonObject { ["wait"] = "never" }, after: ["a"]),
            Block("bad", "exec-throw", new JsonObject { ["message"] = "nope" }, after: ["a"]),
            Value("after-slow", "x", after: ["slow"]));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("block 'bad' failed: nope", outcome.Error);
        var events = _harness.Observer.Events;
        Assert.Contains("failed:slow:cancelled because block 'bad' failed", events);
        Assert.DoesNotContain("started:after-slow", events);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var workflow = Workflow(Block("wait", "exec-gate", new JsonObject { ["signal"] = "running", ["wait"] = "never" }), Value("next", "x"));

        var run = _harness.RunAsync(workflow, cancellation.Token);
        await _harness.Gates.WaitAsync("running");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.DoesNotContain("started:next", _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_AlreadyCancelled_Throws()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _harness.RunAsync(Workflow(Value("a", 1)), new CancellationToken(canceled: true)));

        Assert.Empty(_harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownBlockType_FailsThatBlock()
    {
        var outcome = await _harness.RunAsync(Workflow(Block("x", "no-such-type")));

        Assert.Equal("block 'x' failed: unknown block type 'no-such-type'", outcome.Error);
    }

    [Fact]
    public async Task ExecuteAsync_StreamingBlock_ForwardsTextAndLogs()
    {
        await _harness.RunAsync(Workflow(Block("s", "exec-value", new JsonObject { ["stream"] = "hello", ["value"] = 1 })));

        Assert.Equal(["started:s", "text:s:hello", "log:s:streamed 5", "completed:s"], _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_OutputsOfLaterBlocks_AreNotVisible()
    {
        // "peek" runs alongside "late" but must not see its output even if "late" finishes first.
        var workflow = Workflow(
            Value("late", "L"),
            Block("peek", "script", new JsonObject { ["code"] = "return typeof late;" }, after: []));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("undefined", _harness.Observer.Results["peek"].Output!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_SameWorkflowConcurrently_RunsIndependently()
    {
        var workflow = Workflow(Value("a", 1), Block("b", "script", new JsonObject { ["code"] = "return a + 1;" }));
        var harnesses = Enumerable.Range(0, 8).Select(_ => new ExecutorHarness()).ToList();

        var outcomes = await Task.WhenAll(harnesses.Select(h => h.RunAsync(workflow)));

        Assert.All(outcomes, o => Assert.Equal(2, o.Result!.GetValue<double>()));
    }

    [Fact]
    public async Task ExecuteAsync_ObserverCannotRecord_ThrowsInsteadOfFailingTheBlock()
    {
        var request = Request(Workflow(Value("a", 1), Value("b", 2)));

        var e = await Assert.ThrowsAsync<IOException>(() => _harness.Executor.ExecuteAsync(request, new FailingObserver(), default));

        Assert.Equal("store unavailable", e.Message);
    }
}
