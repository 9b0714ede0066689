using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>
/// Reports spending as a model block does: <c>cost</c> (a decimal string) as its billing cost and <c>tokens</c> as
/// <c>usage.totalTokens</c> in its data; outputs its id.
/// </summary>
[Block("test-spend")]
public sealed class SpendBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        return Task.FromResult(new BlockResult(context.Definition.Id)
        {
            Data = new JsonObject
            {
                ["billingCost"] = parameters["cost"]?.GetValue<string>() ?? "0",
                ["usage"] = new JsonObject { ["totalTokens"] = long.Parse(parameters["tokens"]?.ToJsonString() ?? "0", System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
    }
}
