using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using static Workflows.Engine.Tests.Execution.ExecutorHarness;

namespace Workflows.Engine.Tests.Execution;

public sealed class WorkflowExecutorResultTests
{
    private readonly ExecutorHarness _harness = new();

    [Fact]
    public async Task ExecuteAsync_OutputValue_IsTheResult()
    {
        var workflow = Workflow(
            Value("data", new JsonObject { ["n"] = 1 }),
            Block("out", "output", new JsonObject { ["value"] = "{{ data }}" }),
            Value("after", "later"));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("""{"n":1}""", outcome.Result!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_OutputVariables_IsAnObject()
    {
        var workflow = Workflow(
            Value("a", "Title"),
            Value("b", "Body"),
            Block("out", "output", new JsonObject { ["variables"] = new JsonObject { ["title"] = "{{a}}", ["body"] = "{{b}}" } }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("""{"title":"Title","body":"Body"}""", outcome.Result!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_SeveralOutputObjects_MergeInFileOrder()
    {
        var workflow = Workflow(
            Block("one", "output", new JsonObject { ["variables"] = new JsonObject { ["a"] = "1", ["b"] = "1" } }),
            Block("two", "output", new JsonObject { ["variables"] = new JsonObject { ["b"] = "2", ["c"] = "2" } }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("""{"a":"1","b":"2","c":"2"}""", outcome.Result!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_SeveralOutputsNotAllObjects_LastWins()
    {
        var workflow = Workflow(
            Block("one", "output", new JsonObject { ["variables"] = new JsonObject { ["a"] = "1" } }),
            Block("two", "output", new JsonObject { ["value"] = "plain" }));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("plain", outcome.Result!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_NoOutputBlock_ResultIsLastCompletedBlock()
    {
        var workflow = Workflow(Value("a", "A"), Value("b", "B"));

        var outcome = await _harness.RunAsync(workflow);

        Assert.Equal("B", outcome.Result!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_EmptyWorkflow_SucceedsWithNull()
    {
        var outcome = await _harness.RunAsync(Workflow());

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Result);
    }

    [Fact]
    public async Task ExecuteAsync_ThousandSequentialBlocks_Completes()
    {
        var blocks = new BlockDefinition[1000];
        blocks[0] = Value("b0", 0);
        for (var i = 1; i < blocks.Length; i++)
        {
            blocks[i] = i % 100 == 0 ? Value($"b{i}", $"{{{{ b{i - 1} }}}}") : Value($"b{i}", i);
        }

        var outcome = await _harness.RunAsync(Workflow(blocks));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(999, outcome.Result!.GetValue<int>());
        Assert.Equal(2000, _harness.Observer.Events.Count);
        Assert.Equal(99, _harness.Observer.Results["b100"].Output!.GetValue<int>());
    }
}
