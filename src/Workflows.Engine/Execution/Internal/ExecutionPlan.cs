using System.Collections.Frozen;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Execution.Internal;

/// <summary>
/// What the executor needs of a workflow, computed once per definition: block implementations, dependency counts
/// and, for each block, the blocks waiting on it. Read-only, shared by concurrent runs.
/// </summary>
internal sealed class ExecutionPlan
{
    private ExecutionPlan(WorkflowDefinition workflow)
    {
        Workflow = workflow;
        Blocks = [.. workflow.Blocks];
        Implementations = new IBlock?[Blocks.Length];
        Indegree = new int[Blocks.Length];
        Dependents = new int[Blocks.Length][];
        Descriptors = new BlockDescriptor?[Blocks.Length];
        Timeouts = new TimeSpan?[Blocks.Length];
        Index = FrozenDictionary<string, int>.Empty;
    }

    public WorkflowDefinition Workflow { get; }

    /// <summary>Blocks in file order; every other array is indexed like this one.</summary>
    public BlockDefinition[] Blocks { get; }

    /// <summary>The block type's implementation, or null when the registry does not know the type.</summary>
    public IBlock?[] Implementations { get; }

    /// <summary>Number of blocks each block waits for.</summary>
    public int[] Indegree { get; }

    /// <summary>For each block, the blocks waiting for it, in file order.</summary>
    public int[][] Dependents { get; }

    /// <summary>The block type's metadata, or null when the registry does not know the type.</summary>
    public BlockDescriptor?[] Descriptors { get; }

    /// <summary>The block's own <c>timeout</c>, or null when it sets none.</summary>
    public TimeSpan?[] Timeouts { get; }

    /// <summary>
    /// How long block <paramref name="i"/> may run: its own <c>timeout</c>, else <paramref name="defaultTimeout"/>
    /// except for a block that waits (<see cref="BlockAttribute.Waits"/>: only an explicit timeout bounds it). Null means no limit.
    /// </summary>
    public TimeSpan? TimeoutOf(int i, TimeSpan? defaultTimeout) =>
        Timeouts[i] ?? (Descriptors[i]?.Waits == true || defaultTimeout <= TimeSpan.Zero ? null : defaultTimeout);

    /// <summary>Block id to position.</summary>
    public FrozenDictionary<string, int> Index { get; private set; }

    /// <summary>Why the definition cannot run (an unknown dependency, a duplicate id), or null.</summary>
    public string? Error { get; private set; }

    public static ExecutionPlan Create(WorkflowDefinition workflow, BlockRegistry registry)
    {
        var plan = new ExecutionPlan(workflow);
        var blocks = plan.Blocks;
        var index = new Dictionary<string, int>(blocks.Length, StringComparer.Ordinal);
        for (var i = 0; i < blocks.Length; i++)
        {
            if (!index.TryAdd(blocks[i].Id, i))
            {
                plan.Error = $"block id '{blocks[i].Id}' is used twice";
                return plan;
            }

            plan.Implementations[i] = registry.TryGet(blocks[i].Type, out var block) ? block : null;
            plan.Descriptors[i] = registry.TryDescribe(blocks[i].Type, out var descriptor) ? descriptor : null;
            plan.Timeouts[i] = blocks[i].Timeout;
        }

        var dependents = new List<int>?[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            var after = blocks[i].After;
            if (after is null)
            {
                // Not naming what it waits for means "the block written before it".
                if (i > 0)
                {
                    AddEdge(dependents, plan.Indegree, i - 1, i);
                }

                continue;
            }

            foreach (var dependency in after)
            {
                if (!index.TryGetValue(dependency, out var d))
                {
                    plan.Error = $"block '{blocks[i].Id}' waits for unknown block '{dependency}'";
                    return plan;
                }

                AddEdge(dependents, plan.Indegree, d, i);
            }
        }

        for (var i = 0; i < blocks.Length; i++)
        {
            plan.Dependents[i] = dependents[i]?.ToArray() ?? [];
        }

        plan.Index = index.ToFrozenDictionary(StringComparer.Ordinal);
        return plan;
    }

    private static void AddEdge(List<int>?[] dependents, int[] indegree, int from, int to)
    {
        var list = dependents[from] ??= [];
        if (!list.Contains(to))
        {
            list.Add(to);
            indegree[to]++;
        }
    }
}
