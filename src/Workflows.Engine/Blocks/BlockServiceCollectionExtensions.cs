using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Workflows.Engine.Blocks;

/// <summary>
/// Registers block types: a new block is one class and one of these calls. Each block class is also registered as a
/// singleton service, so the container builds it and hands its constructor what it asks for (the registry takes that
/// instance; a start-time validation of the container checks those dependencies).
/// </summary>
public static class BlockServiceCollectionExtensions
{
    /// <summary>Registers one block class (it must carry <see cref="BlockAttribute"/>) and adds it as a singleton service.</summary>
    public static IServiceCollection AddBlock<T>(this IServiceCollection services)
        where T : class, IBlock
    {
        if (BlockDescriptor.Of(typeof(T)) is null)
        {
            throw new ArgumentException($"'{typeof(T).FullName}' has no [Block] attribute", nameof(T));
        }

        services.TryAddSingleton<T>();
        services.Configure<BlockRegistrationOptions>(o => o.BlockTypes.Add(typeof(T)));
        return services;
    }

    /// <summary>
    /// Registers every block class of an assembly (classes implementing <see cref="IBlock"/> with
    /// <see cref="BlockAttribute"/>) and adds each as a singleton service.
    /// </summary>
    public static IServiceCollection AddBlocksFrom(this IServiceCollection services, Assembly assembly)
    {
        var types = assembly.GetTypes().Where(t => BlockDescriptor.Of(t) is not null).ToList();
        foreach (var type in types)
        {
            services.TryAddSingleton(type);
        }

        services.Configure<BlockRegistrationOptions>(o =>
        {
            foreach (var type in types)
            {
                o.BlockTypes.Add(type);
            }
        });
        return services;
    }
}
