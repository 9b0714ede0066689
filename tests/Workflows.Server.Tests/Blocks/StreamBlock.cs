using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Server.Tests.Blocks;

/// <summary>
/// A test-only stand-in for a model block: renders <c>text</c>, streams it word by word as text_delta events and
/// outputs it whole.
/// </summary>
[Block("test-stream")]
public sealed class StreamBlock : IBlock
{
    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["text"] is null)
        {
            context.Error("test-stream needs a text");
        }
    }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var text = await context.RenderAsync(context.Definition.Parameters["text"]!.GetValue<string>(), cancellationToken);
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            await context.EmitTextAsync(i == 0 ? words[i] : " " + words[i], cancellationToken);
        }

        return new BlockResult(JsonValue.Create(text));
    }
}
