using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Workflows.Engine.Blocks;

/// <summary>The block types known to the engine, found by scanning assemblies for <see cref="BlockAttribute"/>.</summary>
public sealed class BlockRegistry
{
    /// <summary>A registry of the blocks in the given assemblies (the engine's own when none are given).</summary>
    public static BlockRegistry FromAssemblies(IServiceProvider? services, params Assembly[] assemblies) =>
        throw new NotImplementedException();

    /// <summary>The registered type names.</summary>
    public IReadOnlyCollection<string> TypeNames => throw new NotImplementedException();

    /// <summary>The block for a type name.</summary>
    public bool TryGet(string typeName, [NotNullWhen(true)] out IBlock? block) => throw new NotImplementedException();
}
