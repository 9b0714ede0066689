using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Shows what the registry handed its constructor: blocks get services there, never from their context.</summary>
[Block("test-services")]
public sealed class ServicesBlock(TimeProvider time) : IBlock
{
    public TimeProvider Time { get; } = time;

    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(null));
}
