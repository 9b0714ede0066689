using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Tests.Shared;
using static Workflows.Engine.Tests.Execution.ExecutorHarness;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Executor support for the block library: resumed block starts, inline blocks, condition branches.</summary>
public sealed class WorkflowExecutorBlockLibraryTests
{
    private readonly ExecutorHarness _harness = new();

    [Fact]
    public async Task ExecuteAsync_StartedBlocks_KeepTheirStartAndRaiseNoSecondStart()
    {
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-3);
        var workflow = Workflow(Block("a", "exec-started-at"), Block("b", "exec-started-at"));
        var request = Request(workflow) with { StartedBlocks = new Dictionary<string, DateTimeOffset> { ["a"] = earlier } };
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var outcome = await _harness.RunAsync(request);

        Assert.True(outcome.Succeeded, outcome.Error);
        var a = _harness.Observer.Results["a"].Output!;
        var b = _harness.Observer.Results["b"].Output!;
        Assert.Equal(earlier.ToUnixTimeMilliseconds(), a["startedAt"]!.GetValue<long>());
        Assert.True(a["resumed"]!.GetValue<bool>());
        Assert.InRange(b["startedAt"]!.GetValue<long>(), before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.False(b["resumed"]!.GetValue<bool>());
        Assert.Equal(["completed:a", "started:b", "completed:b"], _harness.Observer.Events);

        // The resumed block's duration counts from its first start.
        Assert.True(_harness.Observer.Durations["a"] >= TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task ExecuteAsync_Delay_ResumedWaitsOnlyTheRest()
    {
        var workflow = Workflow(Block("wait", "delay", new JsonObject { ["duration"] = "1h" }));
        var request = Request(workflow) with
        {
            StartedBlocks = new Dictionary<string, DateTimeOffset> { ["wait"] = DateTimeOffset.UtcNow - TimeSpan.FromHours(1) },
        };

        var outcome = await _harness.RunAsync(request).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(["completed:wait"], _harness.Observer.Events);
    }

    [Fact]
    public async Task ExecuteAsync_ForeachInlineBlock_SeesScopeAndReportsAsForeach()
    {
        var workflow = Workflow(
            Value("prefix", ">"),
            Block("each", "foreach", new JsonObject
            {
                ["items"] = new JsonArray("a", "b"),
                ["block"] = new JsonObject { ["type"] = "exec-value", ["value"] = "{{prefix}}{{item}}{{index}}", ["stream"] = "t" },
            }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal([">a0", ">b1"], outcome.Result!.AsArray().Select(o => o!.GetValue<string>()));
        var events = _harness.Observer.Events;
        Assert.Equal(2, events.Count(e => e == "text:each:t"));
        Assert.Contains("log:each:2 items, 0 failed", events);
        Assert.DoesNotContain(events, e => e.StartsWith("started:each[", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_Condition_SkipsBranchNotTakenWithEvents()
    {
        var workflow = Workflow(
            Value("score", 7),
            Block("cond", "condition", new JsonObject { ["if"] = "score > 5", ["then"] = new JsonArray("high"), ["else"] = new JsonArray("low") }),
            Value("high", "high", after: ["cond"]),
            Value("low", "low", after: ["cond"]),
            Block("out", "output", new JsonObject { ["value"] = "{{high}}|{{low}}" }, after: ["high", "low"]));

        var outcome = await _harness.RunAsync(workflow);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("high|", outcome.Result!.GetValue<string>());
        var events = _harness.Observer.Events;
        Assert.Contains("skipped:low:skipped by 'cond'", events);
        Assert.DoesNotContain("started:low", events);
        Assert.Contains("completed:high", events);
        Assert.True(_harness.Observer.Results["cond"].Output!.GetValue<bool>());
    }

    [Fact]
    public async Task ExecuteAsync_InlineBlockOfUnknownType_FailsBlock()
    {
        var workflow = Workflow(Block("each", "foreach", new JsonObject
        {
            ["items"] = new JsonArray(1),
            ["block"] = new JsonObject { ["type"] = "nope" },
        }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.False(outcome.Succeeded);
        Assert.Equal("block 'each' failed: item 0 failed: unknown block type 'nope'", outcome.Error);
    }

    [Fact]
    public void Parse_ForeachInlineBlock_IsValidatedWithTheRegistry()
    {
        const string flow = """
            blocks:
              - id: each
                type: foreach
                items: [1, 2]
                block:
                  type: script
                  code: "return item +;"
            """;

        var e = Assert.Throws<DefinitionException>(() => WorkflowParser.Parse("t.flow", "main", flow, TestBlockServices.Library()));

        Assert.Equal(2, e.Line);
        Assert.StartsWith("block 'each': block: code: script syntax error", e.Reason, StringComparison.Ordinal);
    }
}
