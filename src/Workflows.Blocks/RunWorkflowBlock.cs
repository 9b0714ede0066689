using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Engine.Jobs;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: run_workflow</c> — runs another workflow as a child job and waits for it: <c>workflow</c> (its name),
/// <c>app</c> (optional; another app of the same organisation, default this one) and <c>variables</c> (its launch
/// variables, templates allowed). The child's streamed text is re-emitted as this block's; its result is the output.
/// </summary>
[Block("run_workflow", Description = "Runs another workflow as a child job and waits for its result.")]
[BlockOption(WorkflowParameter, BlockOptionType.String, Required = true, Description = "The workflow to run.")]
[BlockOption(AppParameter, BlockOptionType.String, Description = "The app of that workflow (same organisation; default the running app).")]
[BlockOption(VariablesParameter, BlockOptionType.Object, Description = "The child's launch variables (strings are templates).")]
public sealed class RunWorkflowBlock : IBlock
{
    /// <summary>The workflow to run (required string).</summary>
    public const string WorkflowParameter = "workflow";

    /// <summary>The app of that workflow (optional, same organisation; default the running app).</summary>
    public const string AppParameter = "app";

    /// <summary>The child's launch variables: a map of names to values (strings are templates).</summary>
    public const string VariablesParameter = "variables";

    private readonly TemplateRenderer _renderer;

    private readonly IChildJobRunner? _children;

    /// <summary>Creates the block; without <paramref name="children"/> (a host with no job runtime) it fails when run.</summary>
    public RunWorkflowBlock(TemplateRenderer renderer, IChildJobRunner? children = null)
    {
        _renderer = renderer;
        _children = children;
    }

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var workflow = Parameters.ValidateRequiredString(context, WorkflowParameter);
        if (string.IsNullOrWhiteSpace(workflow))
        {
            context.Error($"'{WorkflowParameter}' must name a workflow");
        }

        if (context.Block.Parameters.ContainsKey(AppParameter))
        {
            var app = Parameters.ValidateRequiredString(context, AppParameter);
            if (string.IsNullOrWhiteSpace(app))
            {
                context.Error($"'{AppParameter}' must name an app");
            }
        }

        if (context.Block.Parameters.TryGetPropertyValue(VariablesParameter, out var variables) && variables is not null)
        {
            if (variables is not JsonObject)
            {
                context.Error($"'{VariablesParameter}' must be a map of names to values");
            }

            Parameters.ValidateValue(context, _renderer, variables, VariablesParameter);
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var children = _children
            ?? throw new BlockException("child jobs are not available in this host");
        var definition = context.Definition;
        var variables = definition.Parameters.TryGetPropertyValue(VariablesParameter, out var given) && given is not null
            ? await context.RenderValueAsync(given, cancellationToken) as JsonObject
            : null;

        var start = await children.StartAsync(
            new ChildJobRequest
            {
                ParentJobId = context.JobId,
                OrganizationId = context.OrganizationId,
                AppId = Parameters.GetString(definition, AppParameter) ?? context.App.Id,
                Workflow = Parameters.RequireString(definition, WorkflowParameter),
                Variables = variables,
                IdempotencyKey = $"child:{context.JobId}:{definition.Id}",
            },
            cancellationToken);
        var child = start.Job;
        var data = new JsonObject { ["childJobId"] = child.Id.ToString() };
        await context.LogAsync(
            start.Existing ? $"following child job {child.Id} again after a restart" : $"started child job {child.Id}",
            data,
            cancellationToken);

        // After a restart, text the child streamed before it was already re-emitted (or lost with the crash): go on
        // from where the child is now rather than repeat it.
        var final = await children.FollowAsync(
            child,
            start.Existing ? child.LastSequence : 0,
            async (ev, token) =>
            {
                if (ev.Type == JobEventTypes.TextDelta && !string.IsNullOrEmpty(ev.Text))
                {
                    await context.EmitTextAsync(ev.Text, token);
                }
            },
            cancellationToken);

        return final.State switch
        {
            JobState.Succeeded => new BlockResult(final.Result?.DeepClone()) { Data = data },
            JobState.Cancelled => throw new BlockException($"child job {child.Id} was cancelled: {final.Error}"),
            _ => throw new BlockException($"child job {child.Id} failed: {final.Error}"),
        };
    }
}
