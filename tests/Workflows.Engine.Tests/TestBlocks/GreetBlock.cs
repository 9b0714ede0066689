using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>A block defined only here, with declared options: proves a new block needs no engine change.</summary>
[Block("test-greet", Description = "Greets someone.", InProcess = true)]
[BlockOption("name", BlockOptionType.Template, Required = true, Description = "Who to greet.")]
[BlockOption("times", BlockOptionType.Integer, Minimum = 1, Maximum = 3)]
[BlockOption("loud", BlockOptionType.Boolean)]
public sealed class GreetBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var name = await context.RenderAsync(context.Definition.Parameters["name"]!.GetValue<string>(), cancellationToken);
        var times = context.Definition.Parameters["times"]?.GetValue<long>() ?? 1;
        var text = string.Join(" ", Enumerable.Repeat($"hello {name}", (int)times));
        return new BlockResult(JsonValue.Create(context.Definition.Parameters["loud"]?.GetValue<bool>() == true ? text.ToUpperInvariant() : text));
    }
}
