using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Shows which constructor the registry used: the service one when given services, else the parameterless one.</summary>
[Block("test-services")]
public sealed class ServicesBlock : IBlock
{
    public ServicesBlock() { }

    [ActivatorUtilitiesConstructor]
    public ServicesBlock(IServiceProvider services) => Services = services;

    public IServiceProvider? Services { get; }

    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(null));
}
