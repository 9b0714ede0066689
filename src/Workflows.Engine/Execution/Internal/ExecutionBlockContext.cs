using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Execution.Internal;

/// <summary>The executor's <see cref="BlockContext"/>: templates over the run's data, progress to the observer.</summary>
internal sealed class ExecutionBlockContext(TemplateRenderer renderer, IExecutionObserver observer) : BlockContext
{
    /// <summary>The block types inline blocks are looked up in; without it, <see cref="RunBlockAsync"/> refuses.</summary>
    public BlockRegistry? Registry { get; init; }

    /// <summary>The clock inline blocks start by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The block events are reported as: the block itself, or for an inline block the block running it.</summary>
    public BlockDefinition? ReportAs { get; init; }

    private BlockDefinition Reported => ReportAs ?? Definition;

    /// <summary>The job's signals and suspension; null for inline blocks and runs without a job runner.</summary>
    public IJobInbox? Inbox { get; init; }

    public override bool CanSuspend => Inbox is not null && ReportAs is null;

    public override ValueTask<JsonObject?> TakeSignalAsync(string name, CancellationToken cancellationToken) =>
        Inbox is { } inbox && ReportAs is null
            ? inbox.TakeSignalAsync(Definition.Id, name, cancellationToken)
            : base.TakeSignalAsync(name, cancellationToken);

    public override ValueTask<string> RenderAsync(string template, CancellationToken cancellationToken) =>
        new(renderer.Render(template, LaunchVariables, Outputs));

    public override ValueTask<JsonNode?> RenderValueAsync(JsonNode? value, CancellationToken cancellationToken) =>
        new(renderer.RenderValue(value, LaunchVariables, Outputs));

    public override ValueTask EmitTextAsync(string delta, CancellationToken cancellationToken) =>
        observer.TextDeltaAsync(Reported, delta, cancellationToken);

    public override ValueTask LogAsync(string message, CancellationToken cancellationToken) =>
        observer.LogAsync(Reported, message, cancellationToken);

    public override ValueTask LogAsync(string message, JsonObject? data, CancellationToken cancellationToken) =>
        observer.LogAsync(Reported, message, data, cancellationToken);

    public override async Task<BlockResult> RunBlockAsync(
        BlockDefinition block,
        IReadOnlyDictionary<string, JsonNode?> extraScope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(extraScope);
        IBlock? implementation = null;
        if (Registry is null || !Registry.TryGet(block.Type, out implementation))
        {
            throw new BlockException($"unknown block type '{block.Type}'");
        }

        var inner = new ExecutionBlockContext(renderer, observer)
        {
            JobId = JobId,
            OrganizationId = OrganizationId,
            App = App,
            Workflow = Workflow,
            Definition = block,
            LaunchVariables = LaunchVariables,
            Outputs = extraScope.Count == 0 ? Outputs : new ScopeOverlay(extraScope, Outputs),

            // An inline block is not checkpointed on its own, so it starts now, also after a restart.
            StartedAt = Time.GetUtcNow(),
            IsResumed = IsResumed,
            Registry = Registry,
            Time = Time,
            ReportAs = Reported,
        };
        // An inline block's own `timeout` bounds each of its runs; the outer block's bound still covers them all.
        var limit = block.Timeout;
        using var timeout = limit is { } allowed && allowed < TimeSpan.FromDays(45) ? new CancellationTokenSource(allowed, Time) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await implementation.ExecuteAsync(inner, linked?.Token ?? cancellationToken)
                ?? throw new InvalidOperationException("the block returned no result");
        }
        catch (Exception e) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested
                                  && e is OperationCanceledException or BlockException)
        {
            throw new BlockException($"block '{block.Id}' timed out after {DurationParser.Format(limit!.Value)}");
        }
    }
}
