using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Blocks.Scripting;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: condition</c> — evaluates <c>if</c> (a JavaScript expression, in the same sandbox and scope as
/// <c>script</c>) and skips the blocks of the branch not taken: those of <c>else</c> when it is truthy, those of
/// <c>then</c> otherwise. Its output is the boolean. Listed blocks must wait for the condition (<c>after</c>).
/// </summary>
[Block("condition", Description = "Evaluates a JavaScript expression and skips the blocks of the branch not taken.", InProcess = true, WorkflowScoped = true)]
[BlockOption(IfParameter, BlockOptionType.Script, Required = true, Description = "The JavaScript expression to test.")]
[BlockOption(ThenParameter, BlockOptionType.Any, Description = "Id (or list of ids) of the blocks that run only when the expression is truthy.")]
[BlockOption(ElseParameter, BlockOptionType.Any, Description = "Id (or list of ids) of the blocks that run only when the expression is falsy.")]
public sealed class ConditionBlock : IBlock
{
    /// <summary>The JavaScript expression to test (required string).</summary>
    public const string IfParameter = "if";

    /// <summary>Ids of the blocks that run only when the expression is truthy.</summary>
    public const string ThenParameter = "then";

    /// <summary>Ids of the blocks that run only when the expression is falsy.</summary>
    public const string ElseParameter = "else";

    private readonly ScriptRunner _runner;

    /// <summary>Creates the block.</summary>
    public ConditionBlock(ScriptRunner runner) => _runner = runner;

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var expression = Parameters.ValidateRequiredString(context, IfParameter);
        if (string.IsNullOrWhiteSpace(expression))
        {
            context.Error($"'{IfParameter}' must not be empty");
        }

        if (_runner.ValidateSyntax(ToCode(expression)) is { } error)
        {
            context.Error($"{IfParameter}: {error.Replace("script syntax error", "syntax error", StringComparison.Ordinal)}");
        }

        var then = ValidateIds(context, ThenParameter);
        var otherwise = ValidateIds(context, ElseParameter);
        if (then.Count == 0 && otherwise.Count == 0)
        {
            context.Error($"give '{ThenParameter}' or '{ElseParameter}' (or both): the blocks each branch runs");
        }

        foreach (var id in then.Where(otherwise.Contains))
        {
            context.Error($"block '{id}' is listed in both '{ThenParameter}' and '{ElseParameter}'");
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var definition = context.Definition;
        var expression = Parameters.RequireString(definition, IfParameter);
        var value = await _runner.RunAsync(ToCode(expression), context.LaunchVariables, context.Outputs, cancellationToken);
        var taken = value is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        var skip = ReadIds(definition.Parameters, taken ? ElseParameter : ThenParameter);
        return new BlockResult(JsonValue.Create(taken)) { Skip = skip };
    }

    // The closing parenthesis on its own line, so a trailing `// comment` cannot swallow it (and line numbers in
    // errors stay the expression's own); `!!` gives JavaScript truthiness as a boolean.
    private static string ToCode(string expression) => "return !!(" + expression + "\n);";

    private static List<string> ValidateIds(BlockValidationContext context, string name)
    {
        if (!context.Block.Parameters.TryGetPropertyValue(name, out var node) || node is null)
        {
            return [];
        }

        var items = node is JsonArray array ? array.ToList() : [node];
        var ids = new List<string>();
        foreach (var item in items)
        {
            if (item is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                context.Error($"'{name}' must be a block id or a list of block ids");
                return ids;
            }

            var id = value.GetValue<string>();
            if (id == context.Block.Id)
            {
                context.Error($"'{name}' lists the condition itself");
            }

            if (!context.AllBlocks.Contains(id))
            {
                context.Error($"'{name}' lists unknown block '{id}'");
            }

            if (context.KnowsGraph && !context.UpstreamOf(id).Contains(context.Block.Id))
            {
                context.Error(
                    $"'{name}' lists block '{id}', which does not wait for this condition; add 'after: [{context.Block.Id}]' to block '{id}'");
            }

            if (!ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static List<string> ReadIds(JsonObject parameters, string name)
    {
        if (!parameters.TryGetPropertyValue(name, out var node) || node is null)
        {
            return [];
        }

        return node is JsonArray array
            ? [.. array.Select(item => item?.GetValue<string>()).OfType<string>()]
            : [node.GetValue<string>()];
    }
}
