using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Server.Tests.Blocks;

/// <summary>
/// A test-only stand-in for a billed model call: outputs and posts its rendered <c>text</c> and reports <c>cost</c> as
/// its billing cost, as <c>generate_text</c> does with a priced model.
/// </summary>
[Block("test-priced")]
public sealed class PricedBlock : IBlock
{
    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["text"] is null || context.Block.Parameters["cost"] is null)
        {
            context.Error("test-priced needs a text and a cost");
        }
    }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var text = await context.RenderAsync(context.Definition.Parameters["text"]!.GetValue<string>(), cancellationToken);
        return new BlockResult(JsonValue.Create(text))
        {
            Post = text,
            Data = new JsonObject { ["billingCost"] = context.Definition.Parameters["cost"]!.GetValue<string>() },
        };
    }
}
