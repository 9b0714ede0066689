using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Blocks.Tests.Blocks;

/// <summary>
/// A block context for one block with no inputs that completes <see cref="FirstDelta"/> as soon as the block
/// streams its first text, so a test can look at the block while it still runs.
/// </summary>
public sealed class SignalingBlockContext : BlockContext
{
    private readonly List<string> _deltas = [];

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public SignalingBlockContext(BlockDefinition definition)
    {
        var workflow = new WorkflowDefinition
        {
            Name = "main",
            Title = "main",
            LaunchVariables = [],
            Blocks = [definition],
            OutputVariables = [],
            Source = "",
        };
        JobId = Guid.NewGuid();
        OrganizationId = "default";
        App = new AppDefinition
        {
            Id = "app",
            OrganizationId = "default",
            Name = "App",
            Slug = "app",
            Workflows = new Dictionary<string, WorkflowDefinition> { ["main"] = workflow },
            Source = "api",
        };
        Workflow = workflow;
        Definition = definition;
        LaunchVariables = [];
        Outputs = new Dictionary<string, JsonNode?>();
    }

    /// <summary>Completes with the first streamed text.</summary>
    public TaskCompletionSource<string> FirstDelta { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every streamed text, in order.</summary>
    public IReadOnlyList<string> Deltas
    {
        get
        {
            lock (_deltas)
            {
                return [.. _deltas];
            }
        }
    }

    public override ValueTask<string> RenderAsync(string template, CancellationToken cancellationToken) =>
        new(TemplateRenderer.Shared.Render(template, LaunchVariables, Outputs));

    public override ValueTask<JsonNode?> RenderValueAsync(JsonNode? value, CancellationToken cancellationToken) =>
        new(TemplateRenderer.Shared.RenderValue(value, LaunchVariables, Outputs));

    public override ValueTask EmitTextAsync(string delta, CancellationToken cancellationToken)
    {
        lock (_deltas)
        {
            _deltas.Add(delta);
        }

        FirstDelta.TrySetResult(delta);
        return default;
    }

    public override ValueTask LogAsync(string message, CancellationToken cancellationToken) => default;
}
