using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>
/// Stands in for the real <c>output</c> block so parser tests do not depend on it. Deliberately without
/// <see cref="BlockAttribute"/>: scanning this assembly together with the engine's must not find two "output" blocks.
/// </summary>
public sealed class StandInOutputBlock : IBlock
{
    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["value"] is null && context.Block.Parameters["variables"] is null)
        {
            context.Error("needs 'value' or 'variables'");
        }
    }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(context.Definition.Parameters["value"]?.DeepClone()) { IsWorkflowOutput = true });
}
