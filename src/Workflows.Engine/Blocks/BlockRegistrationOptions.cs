namespace Workflows.Engine.Blocks;

/// <summary>The block classes a host registered; <see cref="BlockRegistry"/> is built from them once, at first use.</summary>
public sealed class BlockRegistrationOptions
{
    /// <summary>The block classes, in registration order (duplicates are ignored).</summary>
    public IList<Type> BlockTypes { get; } = [];
}
