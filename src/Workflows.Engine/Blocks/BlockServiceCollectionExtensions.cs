using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Engine.Blocks;

/// <summary>Registers block types: a new block is one class and one of these calls.</summary>
public static class BlockServiceCollectionExtensions
{
    /// <summary>Registers one block class (it must carry <see cref="BlockAttribute"/>).</summary>
    public static IServiceCollection AddBlock<T>(this IServiceCollection services)
        where T : class, IBlock
    {
        if (BlockDescriptor.Of(typeof(T)) is null)
        {
            throw new ArgumentException($"'{typeof(T).FullName}' has no [Block] attribute", nameof(T));
        }

        services.Configure<BlockRegistrationOptions>(o => o.BlockTypes.Add(typeof(T)));
        return services;
    }

    /// <summary>Registers every block class of an assembly (classes implementing <see cref="IBlock"/> with <see cref="BlockAttribute"/>).</summary>
    public static IServiceCollection AddBlocksFrom(this IServiceCollection services, Assembly assembly)
    {
        var types = assembly.GetTypes().Where(t => BlockDescriptor.Of(t) is not null).ToList();
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
