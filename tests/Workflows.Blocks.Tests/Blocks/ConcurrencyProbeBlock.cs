using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Blocks.Tests.Blocks;

/// <summary>Counts how many of its runs overlap; each run holds until <see cref="ConcurrencyProbe.Target"/> were in at once.</summary>
public sealed class ConcurrencyProbe(int target)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _current;
    private int _max;

    public int Target => target;

    public int Max => Volatile.Read(ref _max);

    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }

        if (now >= target)
        {
            _reached.TrySetResult();
        }

        try
        {
            // The first runs wait for each other, so reaching the target is certain when the limit allows it.
            await _reached.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            await Task.Yield();
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}

/// <summary><c>type: test-probe</c>: enters the <see cref="ConcurrencyProbe"/> it was built with, then outputs <c>value</c> rendered.</summary>
[Block("test-probe")]
public sealed class ConcurrencyProbeBlock(ConcurrencyProbe probe) : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        await probe.EnterAsync(cancellationToken);
        return new BlockResult(await context.RenderValueAsync(context.Definition.Parameters["value"], cancellationToken) as JsonNode);
    }
}
