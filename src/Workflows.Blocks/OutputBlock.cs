using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: output</c> — the workflow's result. Either <c>value</c> (any JSON; strings are templates, and a string
/// that is exactly <c>{{id}}</c> yields that output itself) or <c>variables</c> (an object of such values).
/// Its text is also added to the job's posts.
/// </summary>
[Block(TypeName, Description = "The workflow's result: one value, or named variables.", InProcess = true, WorkflowScoped = true, WorkflowOutput = true)]
[BlockOption(ValueParameter, BlockOptionType.Any, Description = "One result value (strings are templates).")]
[BlockOption(VariablesParameter, BlockOptionType.Object, Description = "Several named result values.")]
public sealed class OutputBlock : IBlock
{
    /// <summary>The block type name.</summary>
    public const string TypeName = "output";

    /// <summary>One result value (any JSON; strings are templates).</summary>
    public const string ValueParameter = "value";

    /// <summary>Several named result values: an object of name to value.</summary>
    public const string VariablesParameter = "variables";

    private readonly TemplateRenderer _renderer;

    /// <summary>Creates the block.</summary>
    public OutputBlock(TemplateRenderer renderer) => _renderer = renderer;

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var parameters = context.Block.Parameters;
        var hasValue = parameters.ContainsKey(ValueParameter);
        var hasVariables = parameters.ContainsKey(VariablesParameter);
        if (hasValue == hasVariables)
        {
            context.Error($"give exactly one of '{ValueParameter}' or '{VariablesParameter}'");
        }

        if (hasValue)
        {
            Parameters.ValidateValue(context, _renderer, parameters[ValueParameter], ValueParameter);
            return;
        }

        if (parameters[VariablesParameter] is not JsonObject variables)
        {
            context.Error($"'{VariablesParameter}' must be a map of names to values");
            return;
        }

        Parameters.ValidateValue(context, _renderer, variables, VariablesParameter);
    }

    /// <inheritdoc />
    public IEnumerable<string> OutputVariables(BlockDefinition block) =>
        block.Parameters[VariablesParameter] is JsonObject variables ? variables.Select(v => v.Key) : [];

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        JsonNode? output;
        if (parameters.TryGetPropertyValue(VariablesParameter, out var variables))
        {
            output = await context.RenderValueAsync(variables, cancellationToken) ?? new JsonObject();
        }
        else if (parameters.TryGetPropertyValue(ValueParameter, out var value))
        {
            output = await context.RenderValueAsync(value, cancellationToken);
        }
        else
        {
            throw new BlockException($"block '{context.Definition.Id}' needs '{ValueParameter}' or '{VariablesParameter}'");
        }

        return new BlockResult(output) { IsWorkflowOutput = true, Post = ToPost(output) };
    }

    private static string? ToPost(JsonNode? output) => output switch
    {
        null => null,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => JsonText.GetString(text),
        _ => JsonText.Write(output),
    };
}
