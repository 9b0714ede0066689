namespace Workflows.Engine.Definitions.Internal;

/// <summary>
/// The "waits for" graph of a workflow's blocks: explicit <c>after</c> lists, or the block written before.
/// Finds cycles and the transitive set of blocks that finish before each block starts.
/// </summary>
internal sealed class BlockGraph
{
    private readonly Dictionary<string, IReadOnlyList<string>> _dependencies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlySet<string>> _upstream = new(StringComparer.Ordinal);

    public BlockGraph(IReadOnlyList<BlockDefinition> blocks)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            _dependencies[blocks[i].Id] = blocks[i].After ?? (i == 0 ? [] : [blocks[i - 1].Id]);
        }
    }

    /// <summary>The blocks a block waits for directly.</summary>
    public IReadOnlyList<string> DependenciesOf(string id) => _dependencies[id];

    /// <summary>A cycle as a path (first id repeated at the end), or null when there is none.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        // 0 = not seen, 1 = on the current path, 2 = done.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var id in _dependencies.Keys)
        {
            if (Visit(id, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>Every block that must finish before <paramref name="id"/> starts; call only on an acyclic graph.</summary>
    public IReadOnlySet<string> UpstreamOf(string id)
    {
        if (_upstream.TryGetValue(id, out var known))
        {
            return known;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependency in _dependencies[id])
        {
            set.Add(dependency);
            set.UnionWith(UpstreamOf(dependency));
        }

        _upstream[id] = set;
        return set;
    }

    private List<string>? Visit(string id, Dictionary<string, int> state, List<string> path)
    {
        state.TryGetValue(id, out var s);
        if (s == 2)
        {
            return null;
        }

        if (s == 1)
        {
            var start = path.IndexOf(id);
            return [.. path.Skip(start), id];
        }

        state[id] = 1;
        path.Add(id);
        foreach (var dependency in _dependencies[id])
        {
            if (Visit(dependency, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[id] = 2;
        return null;
    }
}
