using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Blocks.Files;
using Workflows.Blocks.Models;
using Workflows.Blocks.Net;
using Workflows.Blocks.Scripting;

namespace Workflows.Blocks;

/// <summary>Registers the built-in blocks and what they use.</summary>
public static class BlocksServiceCollectionExtensions
{
    /// <summary>
    /// Adds every block of this library (found by their <see cref="BlockAttribute"/>), the model providers, the guarded
    /// outbound HTTP client, the file store with its launch-variable resolver, and the script sandbox. The host binds
    /// their options (<see cref="ModelOptions"/>, <see cref="OutboundOptions"/>, <see cref="FileStoreOptions"/>,
    /// <see cref="ScriptOptions"/>).
    /// </summary>
    public static IServiceCollection AddWorkflowBlocks(this IServiceCollection services)
    {
        services.AddModelProviders();
        services.AddOutboundHttp();
        services.AddWorkflowFiles();
        services.TryAddSingleton<ScriptRunner>();
        services.AddBlocksFrom(typeof(BlocksServiceCollectionExtensions).Assembly);
        return services;
    }
}
