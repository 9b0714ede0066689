using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>What a block sees when its definition is validated at load time.</summary>
/// <param name="file">The file name for messages.</param>
/// <param name="block">The block as written.</param>
/// <param name="launchVariables">Names of the declared launch variables.</param>
/// <param name="upstreamBlocks">Ids of blocks guaranteed to have finished before this one starts.</param>
/// <param name="allBlocks">Ids of every block in the workflow.</param>
/// <param name="registry">The block types, for blocks that contain inline blocks; null when not known.</param>
/// <param name="upstreamOf">For any block id of the workflow, the blocks that finish before it starts; null when not known.</param>
public sealed class BlockValidationContext(
    string file,
    BlockDefinition block,
    IReadOnlySet<string> launchVariables,
    IReadOnlySet<string> upstreamBlocks,
    IReadOnlySet<string> allBlocks,
    BlockRegistry? registry = null,
    Func<string, IReadOnlySet<string>>? upstreamOf = null)
{
    private string? _errorPrefix;
    private int _errorLine;

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

    /// <summary>The registered block types, when the validator was given them.</summary>
    public BlockRegistry? Registry { get; } = registry;

    /// <summary>
    /// The blocks that always finish before <paramref name="blockId"/> starts (its dependencies, transitively); empty
    /// for an unknown id or when the workflow's graph was not given.
    /// </summary>
    public IReadOnlySet<string> UpstreamOf(string blockId) =>
        upstreamOf is not null && AllBlocks.Contains(blockId) ? upstreamOf(blockId) : new HashSet<string>();

    /// <summary>Whether the validator knows the workflow's graph (so <see cref="UpstreamOf"/> is meaningful).</summary>
    public bool KnowsGraph => upstreamOf is not null;

    /// <summary>Refuses the definition, naming the file and the block's line.</summary>
    public void Error(string reason) => throw new DefinitionException(
        File,
        _errorPrefix is null ? Block.Line : _errorLine,
        _errorPrefix is null ? $"block '{Block.Id}': {reason}" : $"{_errorPrefix}{reason}");

    /// <summary>
    /// Validates an inline block (one this block runs itself, such as <c>foreach</c>'s <c>block</c>) with the registry:
    /// it may read what this block may read plus <paramref name="extraScope"/>. Its errors name this block and
    /// <paramref name="where"/>.
    /// </summary>
    public void ValidateInlineBlock(BlockDefinition inline, IEnumerable<string> extraScope, string where)
    {
        if (Registry is null)
        {
            Error($"{where}: inline blocks cannot be checked here (no block registry)");
            return;
        }

        if (!Registry.TryGet(inline.Type, out var implementation) || !Registry.TryDescribe(inline.Type, out var descriptor))
        {
            var known = string.Join(", ", Registry.TypeNames.Order(StringComparer.Ordinal));
            Error($"{where}: unknown block type '{inline.Type}' (known types: {known})");
            return;
        }

        var upstream = new HashSet<string>(UpstreamBlocks, StringComparer.Ordinal);
        var all = new HashSet<string>(AllBlocks, StringComparer.Ordinal);
        foreach (var name in extraScope)
        {
            upstream.Add(name);
            all.Add(name);
        }

        var inner = new BlockValidationContext(File, inline, LaunchVariables, upstream, all, Registry, upstreamOf)
        {
            _errorPrefix = _errorPrefix is null ? $"block '{Block.Id}': {where}: " : $"{_errorPrefix}{where}: ",
            _errorLine = _errorPrefix is null ? Block.Line : _errorLine,
        };
        if (inline.Parameters.ContainsKey(BlockDefinition.TimeoutParameter) && inline.Timeout is null)
        {
            inner.Error($"'{BlockDefinition.TimeoutParameter}' must be a positive duration such as 500ms, 30s, 5m or PT5M");
        }

        if (descriptor.WorkflowScoped)
        {
            Error($"{where}: a '{inline.Type}' block cannot run inline (it acts on the whole workflow)");
            return;
        }

        descriptor.ValidateOptions(inner);
        try
        {
            implementation.Validate(inner);
        }
        catch (DefinitionException)
        {
            throw;
        }
        catch (Exception e)
        {
            inner.Error(e.Message);
        }
    }
}
