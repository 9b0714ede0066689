using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Outputs its <c>value</c> parameter as given; accepts any parameters.</summary>
[Block("test-echo")]
public sealed class EchoBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(context.Definition.Parameters["value"]?.DeepClone()));
}
