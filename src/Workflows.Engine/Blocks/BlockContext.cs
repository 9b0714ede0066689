using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>What a running block sees: its definition, the job's inputs, earlier outputs and ways to report progress.</summary>
public abstract class BlockContext
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The job's organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app being run.</summary>
    public required AppDefinition App { get; init; }

    /// <summary>The workflow being run.</summary>
    public required WorkflowDefinition Workflow { get; init; }

    /// <summary>This block as written.</summary>
    public required BlockDefinition Definition { get; init; }

    /// <summary>The job's launch variables.</summary>
    public required JsonObject LaunchVariables { get; init; }

    /// <summary>Outputs of blocks that completed before this one started, by block id.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; }

    /// <summary>Services of the host (HTTP clients, model providers, options).</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>Renders a template against launch variables and earlier outputs; a missing variable fails the block.</summary>
    public abstract ValueTask<string> RenderAsync(string template, CancellationToken cancellationToken);

    /// <summary>
    /// Renders every string inside a JSON value. A string that is exactly one <c>{{name}}</c> reference yields the
    /// referenced value itself (object, number …), not its text.
    /// </summary>
    public abstract ValueTask<JsonNode?> RenderValueAsync(JsonNode? value, CancellationToken cancellationToken);

    /// <summary>Reports streamed text (a <c>text_delta</c> event), stored before watchers see it.</summary>
    public abstract ValueTask EmitTextAsync(string delta, CancellationToken cancellationToken);

    /// <summary>Reports a log line (a <c>log</c> event).</summary>
    public abstract ValueTask LogAsync(string message, CancellationToken cancellationToken);
}
