using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Execution.Internal;

/// <summary>The executor's <see cref="BlockContext"/>: templates over the run's data, progress to the observer.</summary>
internal sealed class ExecutionBlockContext(TemplateRenderer renderer, IExecutionObserver observer) : BlockContext
{
    public override ValueTask<string> RenderAsync(string template, CancellationToken cancellationToken) =>
        new(renderer.Render(template, LaunchVariables, Outputs));

    public override ValueTask<JsonNode?> RenderValueAsync(JsonNode? value, CancellationToken cancellationToken) =>
        new(renderer.RenderValue(value, LaunchVariables, Outputs));

    public override ValueTask EmitTextAsync(string delta, CancellationToken cancellationToken) =>
        observer.TextDeltaAsync(Definition, delta, cancellationToken);

    public override ValueTask LogAsync(string message, CancellationToken cancellationToken) =>
        observer.LogAsync(Definition, message, cancellationToken);
}
