using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Outputs its <c>value</c> parameter rendered (strings are templates); streams and logs when asked.</summary>
[Block("exec-value")]
public sealed class ValueBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        if (parameters["stream"]?.GetValue<string>() is { } text)
        {
            await context.EmitTextAsync(text, cancellationToken);
            await context.LogAsync("streamed " + text.Length, cancellationToken);
        }

        var output = await context.RenderValueAsync(parameters["value"], cancellationToken);
        var skip = parameters["skip"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        return new BlockResult(output) { Skip = skip };
    }
}
