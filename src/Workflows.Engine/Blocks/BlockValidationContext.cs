using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>What a block sees when its definition is validated at load time.</summary>
/// <param name="file">The file name for messages.</param>
/// <param name="block">The block as written.</param>
/// <param name="launchVariables">Names of the declared launch variables.</param>
/// <param name="upstreamBlocks">Ids of blocks guaranteed to have finished before this one starts.</param>
/// <param name="allBlocks">Ids of every block in the workflow.</param>
public sealed class BlockValidationContext(
    string file,
    BlockDefinition block,
    IReadOnlySet<string> launchVariables,
    IReadOnlySet<string> upstreamBlocks,
    IReadOnlySet<string> allBlocks)
{
    /// <summary>The file name, for messages.</summary>
    public string File { get; } = file;

    /// <summary>The block as written.</summary>
    public BlockDefinition Block { get; } = block;

    /// <summary>Names of the declared launch variables.</summary>
    public IReadOnlySet<string> LaunchVariables { get; } = launchVariables;

    /// <summary>Ids of blocks that always finish before this one starts.</summary>
    public IReadOnlySet<string> UpstreamBlocks { get; } = upstreamBlocks;

    /// <summary>Ids of every block in the workflow.</summary>
    public IReadOnlySet<string> AllBlocks { get; } = allBlocks;

    /// <summary>Refuses the definition, naming the file and the block's line.</summary>
    public void Error(string reason) => throw new DefinitionException(File, Block.Line, $"block '{Block.Id}': {reason}");
}
