using System.Text.Json.Nodes;
using static Workflows.Engine.Tests.Execution.ExecutorHarness;

namespace Workflows.Engine.Tests.Execution;

public sealed class WorkflowExecutorResumeTests
{
    private readonly ExecutorHarness _harness = new();

    [Fact]
    public async Task ExecuteAsync_CompletedOutputs_AreNotRunButStayInScope()
    {
        var workflow = Workflow(
            Value("a", "fresh"),
            Value("b", "{{ a }}-B"),
            Block("out", "output", new JsonObject { ["value"] = "{{ b }}" }));
        var request = Request(workflow) with { CompletedOutputs = new Dictionary<string, JsonNode?> { ["a"] = "stored" } };

        var outcome = await _harness.RunAsync(request);

        Assert.Equal("stored-B", outcome.Result!.GetValue<string>());
        Assert.Equal(["started:b", "completed:b", "started:out", "completed:out"], _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_OutputBlockCompletedEarlier_IsTheResult()
    {
        var workflow = Workflow(Value("a", "A"), Block("out", "output", new JsonObject { ["value"] = "{{ a }}" }));
        var request = Request(workflow) with
        {
            CompletedOutputs = new Dictionary<string, JsonNode?> { ["a"] = "A", ["out"] = "stored result" },
        };

        var outcome = await _harness.RunAsync(request);

        Assert.Equal("stored result", outcome.Result!.GetValue<string>());
        Assert.Empty(_harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_SkippedEarlier_CountsAsDone()
    {
        var workflow = Workflow(Value("a", "A"), Value("b", "B"), Value("c", "C"));
        var request = Request(workflow) with
        {
            CompletedOutputs = new Dictionary<string, JsonNode?> { ["a"] = "A" },
            SkippedBlocks = new HashSet<string> { "b" },
        };

        var outcome = await _harness.RunAsync(request);

        Assert.Equal("C", outcome.Result!.GetValue<string>());
        Assert.Equal(["started:c", "completed:c"], _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_SkipRequested_DoesNotRunSkippedBlockAndContinues()
    {
        var workflow = Workflow(
            Block("branch", "exec-value", new JsonObject { ["value"] = "took left", ["skip"] = new JsonArray("right") }),
            Value("left", "L", after: ["branch"]),
            Value("right", "R", after: ["branch"]),
            Value("join", "[{{ left }}|{{ right }}]", after: ["left", "right"]));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("[L|]", outcome.Result!.GetValue<string>());
        var events = _harness.Observer.Events;
        Assert.Contains("skipped:right:skipped by 'branch'", events);
        Assert.DoesNotContain("started:right", events);
        Assert.Contains("completed:join", events);
    }

    [Fact]
    public async Task ExecuteAsync_SkipOfStartedOrUnknownBlock_IsIgnored()
    {
        var workflow = Workflow(
            Value("a", "A"),
            Block("b", "exec-value", new JsonObject { ["value"] = "B", ["skip"] = new JsonArray("a", "ghost") }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.DoesNotContain(_harness.Observer.Events, e => e.StartsWith("skipped:", StringComparison.Ordinal));
    }
}
