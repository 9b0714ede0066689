using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Execution.Internal;

/// <summary>
/// Outputs of one run in the order they became available. Only the scheduler appends; a block reads an
/// <see cref="OutputView"/> fixed when it started, so it sees exactly the outputs completed before it — without a
/// copy per block.
/// </summary>
internal sealed class OutputLog(ExecutionPlan plan)
{
    private readonly JsonNode?[] _values = new JsonNode?[plan.Blocks.Length];
    private readonly int[] _order = CreateOrder(plan.Blocks.Length);
    private readonly int[] _byOrder = new int[plan.Blocks.Length];

    public ExecutionPlan Plan { get; } = plan;

    public int Count { get; private set; }

    public void Add(int block, JsonNode? value)
    {
        _values[block] = value;
        _byOrder[Count] = block;
        Volatile.Write(ref _order[block], Count);
        Count++;
    }

    public JsonNode? ValueOf(int block) => _values[block];

    public OutputView Snapshot() => new(this, Count);

    internal bool TryGet(string id, int limit, out JsonNode? value)
    {
        if (Plan.Index.TryGetValue(id, out var block))
        {
            var order = Volatile.Read(ref _order[block]);
            if (order >= 0 && order < limit)
            {
                value = _values[block];
                return true;
            }
        }

        value = null;
        return false;
    }

    internal int BlockAt(int order) => _byOrder[order];

    private static int[] CreateOrder(int length)
    {
        var order = new int[length];
        Array.Fill(order, -1);
        return order;
    }
}

/// <summary>The outputs a block may read: those in the log when it started, by block id.</summary>
internal sealed class OutputView(OutputLog log, int limit) : IReadOnlyDictionary<string, JsonNode?>
{
    public int Count => limit;

    public JsonNode? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys
    {
        get
        {
            for (var k = 0; k < limit; k++)
            {
                yield return log.Plan.Blocks[log.BlockAt(k)].Id;
            }
        }
    }

    public IEnumerable<JsonNode?> Values
    {
        get
        {
            for (var k = 0; k < limit; k++)
            {
                yield return log.ValueOf(log.BlockAt(k));
            }
        }
    }

    public bool ContainsKey(string key) => log.TryGet(key, limit, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value) => log.TryGet(key, limit, out value);

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
    {
        for (var k = 0; k < limit; k++)
        {
            var block = log.BlockAt(k);
            yield return new(log.Plan.Blocks[block].Id, log.ValueOf(block));
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
