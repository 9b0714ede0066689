using System.Collections.Concurrent;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Remembers every validation context it is given, by block id, so tests can check what the parser passed.</summary>
[Block("test-record")]
public sealed class RecordingBlock : IBlock
{
    public ConcurrentDictionary<string, BlockValidationContext> Validated { get; } = new(StringComparer.Ordinal);

    public void Validate(BlockValidationContext context) => Validated[context.Block.Id] = context;

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(null));
}
