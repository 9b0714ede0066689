using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Engine.Blocks;

/// <summary>The block types known to the engine, found by scanning assemblies for <see cref="BlockAttribute"/>.</summary>
public sealed class BlockRegistry
{
    private readonly FrozenDictionary<string, IBlock> _blocks;

    private BlockRegistry(FrozenDictionary<string, IBlock> blocks) => _blocks = blocks;

    /// <summary>A registry of the blocks in the given assemblies (the engine's own when none are given).</summary>
    public static BlockRegistry FromAssemblies(IServiceProvider? services, params Assembly[] assemblies) =>
        Create(services, assemblies);

    /// <summary>
    /// A registry of the blocks in the given assemblies (the engine's own when none are given). Each block is one
    /// instance, created through <paramref name="services"/> when given so constructors can take host services.
    /// </summary>
    public static BlockRegistry Create(IServiceProvider? services, IEnumerable<Assembly> assemblies)
    {
        var list = assemblies.Distinct().ToList();
        if (list.Count == 0)
        {
            list.Add(typeof(BlockRegistry).Assembly);
        }

        var blocks = new Dictionary<string, IBlock>(StringComparer.Ordinal);
        var sources = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in list.SelectMany(LoadableTypes).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (!type.IsClass || type.IsAbstract || type.IsGenericTypeDefinition || !typeof(IBlock).IsAssignableFrom(type))
            {
                continue;
            }

            var attribute = type.GetCustomAttribute<BlockAttribute>();
            if (attribute is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(attribute.TypeName))
            {
                throw new InvalidOperationException($"block class '{type.FullName}' has an empty type name");
            }

            if (sources.TryGetValue(attribute.TypeName, out var existing))
            {
                throw new InvalidOperationException(
                    $"block type '{attribute.TypeName}' is declared twice: by '{existing.FullName}' and by '{type.FullName}'");
            }

            var instance = services is null
                ? Activator.CreateInstance(type)
                : ActivatorUtilities.CreateInstance(services, type);
            sources[attribute.TypeName] = type;
            blocks[attribute.TypeName] = (IBlock)(instance ?? throw new InvalidOperationException($"could not create block '{type.FullName}'"));
        }

        return new BlockRegistry(blocks.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A registry of exactly these blocks, without scanning (tests use it for stand-ins of real blocks).</summary>
    internal static BlockRegistry FromInstances(IEnumerable<KeyValuePair<string, IBlock>> blocks) =>
        new(blocks.ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>The registered type names.</summary>
    public IReadOnlyCollection<string> TypeNames => _blocks.Keys;

    /// <summary>The block for a type name.</summary>
    public bool TryGet(string typeName, [NotNullWhen(true)] out IBlock? block) => _blocks.TryGetValue(typeName, out block);

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
