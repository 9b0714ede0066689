using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Stands in for the real <c>output</c> block so parser tests do not depend on the blocks library.</summary>
[Block("test-output", WorkflowOutput = true, WorkflowScoped = true)]
public sealed class StandInOutputBlock : IBlock
{
    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["value"] is null && context.Block.Parameters["variables"] is null)
        {
            context.Error("needs 'value' or 'variables'");
        }
    }

    public IEnumerable<string> OutputVariables(BlockDefinition block) =>
        block.Parameters["variables"] is JsonObject variables ? variables.Select(v => v.Key) : [];

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(context.Definition.Parameters["value"]?.DeepClone()) { IsWorkflowOutput = true });
}
