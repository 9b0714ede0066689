using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Tests.Shared;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Builds workflows in code and runs them through a real executor with the engine's and these test blocks.</summary>
public sealed class ExecutorHarness
{
    public Gates Gates { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public WorkflowExecutor Executor { get; }

    // Each harness has its own gates, so its own registry: the gate block takes them in its constructor.
    public ExecutorHarness() =>
        Executor = new WorkflowExecutor(TestBlockServices.Registry([typeof(OutputBlock).Assembly, typeof(ValueBlock).Assembly], Gates));

    public static BlockDefinition Block(string id, string type, JsonObject? parameters = null, IReadOnlyList<string>? after = null) =>
        new(id, type, after, parameters ?? [], 1);

    public static BlockDefinition Value(string id, JsonNode? value, IReadOnlyList<string>? after = null) =>
        Block(id, "exec-value", new JsonObject { ["value"] = value }, after);

    public static WorkflowDefinition Workflow(params BlockDefinition[] blocks) => Workflow([], blocks);

    public static WorkflowDefinition Workflow(IReadOnlyList<LaunchVariableDefinition> launchVariables, params BlockDefinition[] blocks) => new()
    {
        Name = "main",
        Title = "main",
        LaunchVariables = launchVariables,
        Blocks = blocks,
        OutputVariables = [],
        Source = "",
    };

    public static ExecutionRequest Request(WorkflowDefinition workflow, JsonObject? launchVariables = null) => new()
    {
        JobId = Guid.NewGuid(),
        OrganizationId = "default",
        App = new AppDefinition
        {
            Id = "app",
            OrganizationId = "default",
            Name = "App",
            Slug = "app",
            Workflows = new Dictionary<string, WorkflowDefinition> { [workflow.Name] = workflow },
            Source = "api",
        },
        Workflow = workflow,
        LaunchVariables = launchVariables ?? [],
    };

    public Task<ExecutionOutcome> RunAsync(WorkflowDefinition workflow, CancellationToken cancellationToken = default) =>
        RunAsync(Request(workflow), cancellationToken);

    public Task<ExecutionOutcome> RunAsync(ExecutionRequest request, CancellationToken cancellationToken = default) =>
        Executor.ExecuteAsync(request, Observer, cancellationToken);
}
