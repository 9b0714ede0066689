using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Refuses its definition when <c>reject: true</c>; throws a plain exception on <c>crash: true</c>; fails when run.</summary>
[Block("test-fail")]
public sealed class FailBlock : IBlock
{
    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["reject"]?.GetValue<bool>() == true)
        {
            context.Error("rejected on purpose");
        }

        if (context.Block.Parameters["crash"]?.GetValue<bool>() == true)
        {
            throw new ArgumentException("crashed on purpose");
        }
    }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        throw new BlockException("failed on purpose");
}
