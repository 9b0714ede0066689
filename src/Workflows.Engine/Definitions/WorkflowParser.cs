using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions.Internal;

namespace Workflows.Engine.Definitions;

/// <summary>Parses and validates <c>.flow</c> files (YAML or JSON).</summary>
public static class WorkflowParser
{
    /// <summary>
    /// Parses <paramref name="text"/> as workflow <paramref name="name"/>; throws <see cref="DefinitionException"/>
    /// naming <paramref name="file"/>, the line and the reason.
    /// </summary>
    public static WorkflowDefinition Parse(string file, string name, string text, BlockRegistry blocks) =>
        WorkflowReader.Read(file, name, text, blocks);
}
