namespace Workflows.Engine.Blocks;

/// <summary>Marks a class as a block plugin and gives its type name, as written in <c>type:</c>.</summary>
/// <param name="typeName">The name users write, e.g. <c>template</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute(string typeName) : Attribute
{
    /// <summary>The block type name.</summary>
    public string TypeName { get; } = typeName;
}
