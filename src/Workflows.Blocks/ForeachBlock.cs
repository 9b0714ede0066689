using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Blocks.Internal;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: foreach</c> — runs, for every element of <c>items</c> (a JSON array), either one inline <c>block</c> (with
/// the element in scope as <c>item</c>, or the name given in <c>as</c>, and its position as <c>index</c>) or another
/// <c>workflow</c> of the app as a child job (with the element as the launch variable named by <c>as</c>), at most
/// <c>parallelism</c> at a time. Its output is the array of per-item outputs in item order; with
/// <c>continueOnError</c> it is <c>{ "items": [...], "errors": [{ "index", "error" }] }</c>.
/// </summary>
[Block("foreach", Description = "Runs an inline block, or another workflow as a child job, for every element of a list.")]
[BlockOption(ItemsParameter, BlockOptionType.Any, Required = true, Description = "The list to go over: a JSON array, or a template rendering to one.")]
[BlockOption(AsParameter, BlockOptionType.String, Description = "The name the element goes by (default item).")]
[BlockOption(WorkflowParameter, BlockOptionType.String, Description = "A workflow of the same app to run per element as a child job.")]
[BlockOption(BlockParameter, BlockOptionType.Block, Description = "One inline block to run per element.")]
[BlockOption(ParallelismParameter, BlockOptionType.Integer, Minimum = 1, Maximum = MaxParallelism, Description = "How many elements run at once (default 4).")]
[BlockOption(ContinueOnErrorParameter, BlockOptionType.Boolean, Description = "A failed element yields null and an entry in errors instead of failing the block.")]
public sealed partial class ForeachBlock : IBlock
{
    /// <summary>The array to go over (required): a JSON array, or a template rendering to one (<c>"{{list}}"</c>).</summary>
    public const string ItemsParameter = "items";

    /// <summary>The name the element goes by (default <c>item</c>).</summary>
    public const string AsParameter = "as";

    /// <summary>A workflow of the same app to run per element as a child job.</summary>
    public const string WorkflowParameter = "workflow";

    /// <summary>One inline block definition (a map with <c>type</c> and its parameters) to run per element.</summary>
    public const string BlockParameter = "block";

    /// <summary>How many elements run at once (1 to 64, default 4).</summary>
    public const string ParallelismParameter = "parallelism";

    /// <summary>When true, a failed element yields null and an entry in <c>errors</c> instead of failing the block.</summary>
    public const string ContinueOnErrorParameter = "continueOnError";

    /// <summary>The element's name when <c>as</c> is not given.</summary>
    public const string DefaultItemName = "item";

    /// <summary>The name of the element's position (0-based) in an inline block's scope.</summary>
    public const string IndexName = "index";

    /// <summary>The most elements one block goes over.</summary>
    public const int MaxItems = 10_000;

    /// <summary>The highest <c>parallelism</c>.</summary>
    public const int MaxParallelism = 64;

    private const int DefaultParallelism = 4;

    private readonly TemplateRenderer _renderer;

    private readonly IChildJobRunner? _children;

    /// <summary>Creates the block; without <paramref name="children"/> (a host with no job runtime) <c>workflow</c> items fail.</summary>
    public ForeachBlock(TemplateRenderer renderer, IChildJobRunner? children = null)
    {
        _renderer = renderer;
        _children = children;
    }

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var parameters = context.Block.Parameters;
        if (!parameters.TryGetPropertyValue(ItemsParameter, out var items) || items is null)
        {
            context.Error($"'{ItemsParameter}' is required");
        }
        else if (items is not JsonArray && (items is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
        {
            context.Error($"'{ItemsParameter}' must be a list or a template that renders to one, such as \"{{{{list}}}}\"");
        }

        Parameters.ValidateValue(context, _renderer, items, ItemsParameter);

        var name = DefaultItemName;
        if (parameters.ContainsKey(AsParameter))
        {
            name = Parameters.ValidateRequiredString(context, AsParameter);
            if (!Identifier().IsMatch(name) || name == IndexName)
            {
                context.Error($"'{AsParameter}': '{name}' must be a name (letters, digits and '_', not starting with a digit) other than '{IndexName}'");
            }

            if (context.AllBlocks.Contains(name))
            {
                context.Error($"'{AsParameter}': '{name}' is the id of a block; choose another name");
            }
        }

        var hasWorkflow = parameters.ContainsKey(WorkflowParameter);
        if (hasWorkflow == parameters.ContainsKey(BlockParameter))
        {
            context.Error($"give exactly one of '{WorkflowParameter}' (run a workflow per item) or '{BlockParameter}' (run one inline block per item)");
        }

        if (hasWorkflow)
        {
            if (string.IsNullOrWhiteSpace(Parameters.ValidateRequiredString(context, WorkflowParameter)))
            {
                context.Error($"'{WorkflowParameter}' must name a workflow of this app");
            }
        }
        else
        {
            var inline = ReadInline(context.Block, out var problem);
            if (inline is null)
            {
                context.Error($"'{BlockParameter}': {problem}");
                return;
            }

            context.ValidateInlineBlock(inline, [name, IndexName], BlockParameter);
        }

        if (parameters.ContainsKey(ParallelismParameter) && ReadParallelism(context.Block) is null)
        {
            context.Error($"'{ParallelismParameter}' must be a whole number from 1 to {MaxParallelism}");
        }

        if (parameters.TryGetPropertyValue(ContinueOnErrorParameter, out var flag)
            && (flag is not JsonValue v || v.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)))
        {
            context.Error($"'{ContinueOnErrorParameter}' must be true or false");
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var definition = context.Definition;
        var items = await ReadItemsAsync(context, cancellationToken);
        var name = Parameters.GetString(definition, AsParameter) ?? DefaultItemName;
        var continueOnError = definition.Parameters[ContinueOnErrorParameter] is JsonValue flag
            && flag.GetValueKind() == JsonValueKind.True;
        var parallelism = ReadParallelism(definition) ?? DefaultParallelism;

        Func<int, CancellationToken, Task<JsonNode?>> runItem;
        if (Parameters.GetString(definition, WorkflowParameter) is { } workflow)
        {
            var children = _children
                ?? throw new BlockException("child jobs are not available in this host");
            runItem = (index, token) => RunChildAsync(context, children, workflow, name, items, index, token);
        }
        else
        {
            var inline = ReadInline(definition, out var problem)
                ?? throw new BlockException($"block '{definition.Id}': '{BlockParameter}': {problem}");
            runItem = (index, token) => RunInlineAsync(context, inline, name, items, index, token);
        }

        var run = new ItemRun(items.Count, continueOnError, runItem);
        await run.RunAsync(parallelism, cancellationToken);

        var failed = run.Errors.Count(e => e is not null);
        await context.LogAsync($"{items.Count} items, {failed} failed", cancellationToken);
        if (run.FirstFailure is { } failure)
        {
            throw new BlockException($"item {failure.Index} failed: {failure.Error}");
        }

        var outputs = new JsonArray();
        foreach (var output in run.Outputs)
        {
            outputs.Add(output);
        }

        if (!continueOnError)
        {
            return new BlockResult(outputs);
        }

        var errors = new JsonArray();
        for (var i = 0; i < run.Errors.Length; i++)
        {
            if (run.Errors[i] is { } error)
            {
                errors.Add(new JsonObject { ["index"] = i, ["error"] = error });
            }
        }

        return new BlockResult(new JsonObject { ["items"] = outputs, ["errors"] = errors });
    }

    private static async Task<JsonArray> ReadItemsAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var rendered = await context.RenderValueAsync(context.Definition.Parameters[ItemsParameter], cancellationToken);
        if (rendered is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            // A template that printed a list (for example with `| json`) rather than referring to one.
            try
            {
                rendered = JsonNode.Parse(text.GetValue<string>());
            }
            catch (JsonException)
            {
                throw new BlockException($"'{ItemsParameter}' must be a JSON array, got text that is not JSON");
            }
        }

        if (rendered is not JsonArray items)
        {
            throw new BlockException($"'{ItemsParameter}' must be a JSON array, got {Describe(rendered)}");
        }

        return items.Count <= MaxItems
            ? items
            : throw new BlockException($"'{ItemsParameter}' has {items.Count} elements; at most {MaxItems}");
    }

    private static async Task<JsonNode?> RunInlineAsync(
        BlockContext context, BlockDefinition inline, string name, JsonArray items, int index, CancellationToken cancellationToken)
    {
        var scope = new Dictionary<string, JsonNode?>(2, StringComparer.Ordinal)
        {
            [name] = items[index],
            [IndexName] = JsonValue.Create(index),
        };

        // Ids like `each[3]` keep per-item work apart (a run_workflow inside gets one child job per item).
        var result = await context.RunBlockAsync(inline with { Id = $"{context.Definition.Id}[{index}]" }, scope, cancellationToken);
        var output = result.Output;
        return output?.Parent is null ? output : output.DeepClone();
    }

    private static async Task<JsonNode?> RunChildAsync(
        BlockContext context,
        IChildJobRunner children,
        string workflow,
        string name,
        JsonArray items,
        int index,
        CancellationToken cancellationToken)
    {
        var start = await children.StartAsync(
            new ChildJobRequest
            {
                ParentJobId = context.JobId,
                OrganizationId = context.OrganizationId,
                AppId = context.App.Id,
                Workflow = workflow,
                Variables = new JsonObject { [name] = items[index]?.DeepClone() },
                IdempotencyKey = $"child:{context.JobId}:{context.Definition.Id}:{index}",
            },
            cancellationToken);
        var final = await children.FollowAsync(start.Job, start.Job.LastSequence, null, cancellationToken);
        return final.State == JobState.Succeeded
            ? final.Result?.DeepClone()
            : throw new BlockException($"child job {final.Id} {(final.State == JobState.Cancelled ? "was cancelled" : "failed")}: {final.Error}");
    }

    private static BlockDefinition? ReadInline(BlockDefinition block, out string problem)
    {
        problem = "";
        if (block.Parameters[BlockParameter] is not JsonObject map)
        {
            problem = "must be one block: a map with 'type' and its parameters";
            return null;
        }

        if (map["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>().Length == 0)
        {
            problem = "needs a 'type'";
            return null;
        }

        // Whether the type may run inline at all (not a workflow-scoped block) is the registry's to say, at load time.
        var parameters = new JsonObject();
        foreach (var (key, value) in map)
        {
            switch (key)
            {
                case "type":
                    continue;
                case "id" or "after":
                    problem = $"an inline block has no '{key}' (it runs inside '{block.Id}', once per item)";
                    return null;
                default:
                    parameters[key] = value?.DeepClone();
                    break;
            }
        }

        return new BlockDefinition(block.Id, type.GetValue<string>(), [], parameters, block.Line);
    }

    // Through the JSON text: a number may be held as int, long, double or a parsed element.
    private static int? ReadParallelism(BlockDefinition block) =>
        block.Parameters[ParallelismParameter] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
        && number == Math.Floor(number) && number is >= 1 and <= MaxParallelism
            ? (int)number
            : null;

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "text",
        },
        _ => "a value",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
