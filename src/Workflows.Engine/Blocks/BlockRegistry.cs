using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Engine.Blocks;

/// <summary>
/// The block types a host registered (<see cref="BlockServiceCollectionExtensions.AddBlock{T}"/>,
/// <see cref="BlockServiceCollectionExtensions.AddBlocksFrom"/>): one instance and one <see cref="BlockDescriptor"/> each.
/// </summary>
public sealed class BlockRegistry
{
    private readonly FrozenDictionary<string, (IBlock Block, BlockDescriptor Descriptor)> _blocks;

    private BlockRegistry(FrozenDictionary<string, (IBlock, BlockDescriptor)> blocks) => _blocks = blocks;

    /// <summary>A registry of every block class in the given assemblies.</summary>
    /// <inheritdoc cref="FromTypes" path="/exception"/>
    public static BlockRegistry FromAssemblies(IServiceProvider services, params Assembly[] assemblies) =>
        FromTypes(services, assemblies.Distinct().SelectMany(LoadableTypes));

    /// <summary>
    /// A registry of the given block classes (types without <see cref="BlockAttribute"/> are ignored). Each block is one
    /// instance: the one <paramref name="services"/> holds when the class is registered as a service (as
    /// <see cref="BlockServiceCollectionExtensions.AddBlock{T}"/> does), else one created with its constructor's
    /// arguments taken from <paramref name="services"/>. Blocks get what they need this way, never at run time.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Two classes declare the same type name, a declaration is malformed, or a block's constructor needs a service
    /// <paramref name="services"/> does not hold.
    /// </exception>
    public static BlockRegistry FromTypes(IServiceProvider services, IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(types);
        var blocks = new Dictionary<string, (IBlock, BlockDescriptor)>(StringComparer.Ordinal);
        foreach (var type in types.Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var descriptor = BlockDescriptor.Of(type);
            if (descriptor is null)
            {
                continue;
            }

            if (blocks.TryGetValue(descriptor.TypeName, out var existing))
            {
                throw new InvalidOperationException(
                    $"block type '{descriptor.TypeName}' is declared twice: by '{existing.Item2.BlockType.FullName}' and by '{type.FullName}'");
            }

            var instance = (IBlock)ActivatorUtilities.GetServiceOrCreateInstance(services, type);
            blocks[descriptor.TypeName] = (instance, descriptor);
        }

        return new BlockRegistry(blocks.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The registered type names.</summary>
    public IReadOnlyCollection<string> TypeNames => _blocks.Keys;

    /// <summary>Every registered block's metadata, ordered by type name.</summary>
    public IEnumerable<BlockDescriptor> Descriptors => _blocks.Values.Select(b => b.Descriptor).OrderBy(d => d.TypeName, StringComparer.Ordinal);

    /// <summary>The block for a type name.</summary>
    public bool TryGet(string typeName, [NotNullWhen(true)] out IBlock? block)
    {
        var found = _blocks.TryGetValue(typeName, out var entry);
        block = entry.Block;
        return found;
    }

    /// <summary>The metadata of a type name.</summary>
    public bool TryDescribe(string typeName, [NotNullWhen(true)] out BlockDescriptor? descriptor)
    {
        var found = _blocks.TryGetValue(typeName, out var entry);
        descriptor = entry.Descriptor;
        return found;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null)!;
        }
    }
}
