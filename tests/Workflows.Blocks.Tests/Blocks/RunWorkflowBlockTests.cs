using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class RunWorkflowBlockTests
{
    private readonly FakeChildJobRunner _children = new();

    private BlockTestFixture Fixture() =>
        new BlockTestFixture(TestBlockServices.Create<RunWorkflowBlock>(_children), "run_workflow") { BlockId = "sub" }
            .WithParameter("workflow", "child")
            .WithParameter("variables", new JsonObject { ["topic"] = "{{$launchVariables->topic}}", ["n"] = 3 })
            .WithLaunchVariable("topic", "otters");

    [Fact]
    public async Task ExecuteAsync_RunsChild_OutputsItsResultAndReEmitsText()
    {
        _children.TextDeltas.AddRange(["Hel", "lo"]);
        var fixture = Fixture();

        var result = await fixture.ExecuteAsync();

        Assert.Equal("""{"topic":"otters","n":3}""", result.Output!.ToJsonString());
        Assert.Equal(["Hel", "lo"], fixture.TextDeltas);
        var request = Assert.Single(_children.Requests);
        Assert.Equal(($"child:{fixture.JobId}:sub", "app", "child", fixture.JobId), (request.IdempotencyKey, request.AppId, request.Workflow, request.ParentJobId));
        var childId = result.Data!["childJobId"]!.GetValue<string>();
        Assert.Equal([$"started child job {childId}"], fixture.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_OtherApp_StartsThere()
    {
        await Fixture().WithParameter("app", "tools").ExecuteAsync();

        Assert.Equal("tools", Assert.Single(_children.Requests).AppId);
    }

    [Fact]
    public async Task ExecuteAsync_ChildStartedBeforeRestart_FollowsItWithoutStartingAnother()
    {
        var fixture = Fixture();
        _children.ExistingKeys.Add($"child:{fixture.JobId}:sub");

        await fixture.ExecuteAsync();

        Assert.StartsWith("following child job ", Assert.Single(fixture.Logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ChildFails_FailsWithItsError()
    {
        _children.Outcome = _ => (JobState.Failed, null, "block 'x' failed: nope");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture().ExecuteAsync());

        Assert.Matches("^child job [0-9a-f-]{36} failed: block 'x' failed: nope$", e.Message);
    }

    [Fact]
    public void Validate_Good_Passes() => Assert.Null(Fixture().ValidationError());

    [Fact]
    public void Validate_MissingWorkflow_Refuses() =>
        Assert.Equal("block 'this': 'workflow' is required", new BlockTestFixture(TestBlockServices.Create<RunWorkflowBlock>()).ValidationError());

    [Fact]
    public void Validate_VariablesReadUnknownBlock_Refuses() =>
        Assert.Equal(
            "block 'sub': variables.topic: unknown variable 'nothing'",
            Fixture().WithParameter("variables", new JsonObject { ["topic"] = "{{nothing}}" }).ValidationError());
}
