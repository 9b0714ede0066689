using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Bench.Engine;

/// <summary><c>type: bench-noop</c> — outputs a constant: what the executor costs per block without any block work.</summary>
[Block("bench-noop")]
public sealed class NoopBlock : IBlock
{
    private static readonly Task<BlockResult> Done = Task.FromResult(new BlockResult(JsonValue.Create(1)));

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
    }

    /// <inheritdoc />
    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) => Done;
}
